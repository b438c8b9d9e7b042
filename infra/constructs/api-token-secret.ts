import { Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The bearer token of the API and the dashboard: a random string generated at deploy time, never in the
 * template. Read by the authorizer (to check requests) and by the API (to set the dashboard cookie).
 */
export class ApiTokenSecret extends Construct {
  public readonly secret: Secret;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Bearer token of the Claude monitor API and dashboard',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A static bearer token rotated by the operator (docs/deploy.md); a rotation Lambda would add cost and a moving part for a single shared token.',
    });
  }
}
