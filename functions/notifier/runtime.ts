import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDynamoClient } from 'claude-monitor/aws';
import { ENV, METRIC_DIMENSION, METRIC_NAMESPACE, SERVICE, type Service } from 'claude-monitor/domain';
import { secretChannelTargets } from './channel-targets';
import { type NotifierConfig, readNotifierConfig } from './config';
import { type NotifierDeps, sleep } from './deps';
import { DEFAULT_DELIVERY_POLICY } from './http-delivery';

/** Local endpoints (the SNS/SQS emulator, the Secrets Manager stand-in) accept any letters-and-digits keys. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

const localEndpoint = (env: NodeJS.ProcessEnv, name: string) => {
  const endpoint = env[name]?.trim();
  return endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS, region: env.AWS_REGION ?? 'us-east-1' } : {};
};

/** Builds the notifier's dependencies from the environment: once per cold start. */
export const createNotifierRuntime = (
  service: Service = SERVICE.notifier,
  env: NodeJS.ProcessEnv = process.env,
): { deps: NotifierDeps; config: NotifierConfig; metrics: Metrics } => {
  const config = readNotifierConfig(env);
  const logger = new Logger({ serviceName: service });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: service });
  return {
    config,
    metrics,
    deps: {
      client: createDynamoClient(env),
      tableName: config.tableName,
      sqs: new SQSClient({ ...localEndpoint(env, ENV.sqsEndpoint), maxAttempts: 3 }),
      targets: secretChannelTargets({
        client: new SecretsManagerClient({ ...localEndpoint(env, ENV.secretsEndpoint), maxAttempts: 3 }),
      }),
      ...(config.dashboardUrl ? { dashboardUrl: config.dashboardUrl } : {}),
      policy: DEFAULT_DELIVERY_POLICY,
      sleep,
      now: Date.now,
      logger: {
        info: (message, extra) => logger.info(message, extra ?? {}),
        warn: (message, extra) => logger.warn(message, extra ?? {}),
        error: (message, extra) => logger.error(message, extra ?? {}),
      },
      metrics: {
        // One metric per channel; a single-metric document keeps the channel dimension off other metrics.
        count: (metric, channel) => {
          const single = metrics.singleMetric();
          single.addDimension(METRIC_DIMENSION.channel, channel);
          single.addMetric(metric, MetricUnit.Count, 1);
        },
      },
    },
  };
};
