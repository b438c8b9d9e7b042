import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { deleteTestTables } from './dynamodb';

// Runs first in every test file (vitest `setupFiles`). The run's DynamoDB Local keeps a database per access
// key, and every client of this file, those the code under test builds from the environment included, and
// subprocesses it starts, take the key from here: the file works in a database of its own. DynamoDB Local
// accepts keys of letters and digits only.
process.env.AWS_ACCESS_KEY_ID = `file${randomBytes(8).toString('hex')}`;
process.env.AWS_SECRET_ACCESS_KEY = 'local';

// Whatever tables the file made are dropped after its tests, so memory stays flat over the run.
afterAll(deleteTestTables);
