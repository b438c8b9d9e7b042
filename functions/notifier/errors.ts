/** Base error of the notifier: every error it raises is one of these, with the cause attached. */
export class NotifierError extends Error {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotifierError';
  }
}

/**
 * A channel's secret cannot be used (missing, not JSON, no https URL, no signing secret). Permanent: the
 * message goes to the dead-letter queue. The message names the channel and the problem, never the value.
 */
export class ChannelSecretError extends NotifierError {
  public readonly channel: string;
  public constructor(channel: string, problem: string, options?: ErrorOptions) {
    super(`channel ${channel}: ${problem}`, options);
    this.name = 'ChannelSecretError';
    this.channel = channel;
  }
}

/** An SQS message that is not an SNS notification the notifier understands. Permanent. */
export class NotificationParseError extends NotifierError {
  public constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotificationParseError';
  }
}

/** A record arrived from a queue that belongs to no configured channel. */
export class UnknownChannelError extends NotifierError {
  public constructor(queueArn: string) {
    super(`no channel is configured for queue ${queueArn}`);
    this.name = 'UnknownChannelError';
  }
}

/** Reading a channel's secret failed (throttling, network, permissions): retried later, not a refusal. */
export class SecretReadError extends NotifierError {
  public readonly channel: string;
  public constructor(channel: string, options?: ErrorOptions) {
    super(`channel ${channel}: its secret could not be read`, options);
    this.name = 'SecretReadError';
    this.channel = channel;
  }
}
