import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';

/** A message as an SQS subscription receives it: the SNS envelope, parsed. */
export interface SnsEnvelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

export interface SnsEmulator {
  endpoint: string;
  topicArn: string;
  queueUrl: string;
  /** Receives until the queue is empty, deleting what it got. */
  receiveAll(): Promise<SnsEnvelope[]>;
  stop(): Promise<void>;
}

/** The SNS emulator on loopback with a topic and an SQS queue subscribed to it (with the SNS envelope). */
export const startSnsEmulator = async (topicName = 'claude-alerts'): Promise<SnsEmulator> => {
  const server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  const endpoint = `http://127.0.0.1:${server.port}`;
  const { topicArn } = server.createTopic(topicName);
  const { queueUrl } = server.createQueue(`${topicName}-inbox`);
  server.subscribe({ topic: topicName, queue: `${topicName}-inbox` });
  const sqs = new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const receiveAll = async (): Promise<SnsEnvelope[]> => {
    const received: Message[] = [];
    for (;;) {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
      );
      if (!Messages || Messages.length === 0) break;
      received.push(...Messages);
      for (const message of Messages) {
        await sqs.send(
          new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
        );
      }
    }
    return received.map((message) => JSON.parse(message.Body ?? '{}') as SnsEnvelope);
  };
  return {
    endpoint,
    topicArn,
    queueUrl,
    receiveAll,
    stop: async () => {
      sqs.destroy();
      await server.stop();
    },
  };
};
