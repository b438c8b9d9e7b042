/**
 * Replaces the console methods with Lambda's text log format, one line per call:
 * `<ISO timestamp>\t<request id>\t<LEVEL>\t<util.format(...)>`, with newlines inside the message turned into
 * carriage returns so that CloudWatch keeps one event per call. Both runtime generations write this format to
 * stdout when no telemetry descriptor is given; `process.stdout.write` itself is left alone.
 * The JSON log format (`AWS_LAMBDA_LOG_FORMAT=JSON`) is not emulated.
 */
import { format } from 'node:util';

/** @param {() => string} requestIdOf the request id to print: each generation prints a different placeholder before the first invocation */
export const patchConsole = (requestIdOf) => {
  const logAt =
    (level) =>
    (message, ...params) => {
      const line = `${new Date().toISOString()}\t${requestIdOf()}\t${level}\t${format(message, ...params)}`;
      process.stdout.write(`${line.replace(/\n/g, '\r')}\n`);
    };
  console.trace = logAt('TRACE');
  console.debug = logAt('DEBUG');
  console.info = logAt('INFO');
  console.log = console.info;
  console.warn = logAt('WARN');
  console.error = logAt('ERROR');
  console.fatal = logAt('FATAL');
};
