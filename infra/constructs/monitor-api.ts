import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnAuthorizer,
  type CorsHttpMethod,
  HttpApi,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { ENV, METRIC_NAMESPACE, SERVICE } from 'claude-monitor/domain';
import { Construct } from 'constructs';
import { DASHBOARD_CORS } from '../../functions/api/routes';
import { MonitorFunction } from './monitor-function';
import { apiBudgetWriteStatement, grantTableRead } from './table-access';

/** Files the API serves as the dashboard, copied next to its bundle (repository-relative). */
export const DASHBOARD_FILES = [
  'functions/api/dashboard/index.html',
  'functions/api/dashboard/dashboard.js',
  'functions/api/dashboard/reconciliation.js',
  'functions/api/dashboard/insights.js',
  'functions/api/dashboard/breakdown.js',
  'functions/api/dashboard/dashboard.css',
  'functions/api/dashboard/budgets.js',
  'functions/api/dashboard/health.js',
  'functions/api/dashboard/compare.js',
  'functions/api/dashboard/views.css',
  'functions/api/dashboard/alerts.js',
  'node_modules/chart.js/dist/chart.umd.js',
] as const;

/** Path of the dashboard under the API's URL. */
export const DASHBOARD_PATH = '/dashboard/claude-monitoring/';

/** `cp` fails on a missing file, so a dashboard file that is missing fails the bundling, loudly. */
const copyDashboard: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir: string, outputDir: string) =>
    DASHBOARD_FILES.map((file) => `cp "${inputDir}/${file}" "${outputDir}/"`),
};

export interface MonitorApiProps {
  readonly table: ITable;
  readonly tokenSecret: ISecret;
  readonly logRetention: RetentionDays;
  readonly stageName: string;
  readonly rateLimit: number;
  readonly burstLimit: number;
  /** The one origin CORS allows; CORS is off without it. */
  readonly dashboardOrigin?: string;
  /** JSON of the deploy-time budgets, listed by `GET /api/monitoring/budgets`. */
  readonly budgets: string;
}

const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  method: '$context.httpMethod',
  path: '$context.path',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
};

/**
 * The HTTPS API and dashboard: one Lambda (the Hono app) behind an HTTP API whose every route, the default
 * route included, goes through a Lambda authorizer. The authorizer has no identity source and no cache,
 * because the token can come from the `Authorization` header, the dashboard cookie or `?token=`: an identity
 * source would reject requests that carry only one of them before the authorizer sees them.
 */
export class MonitorApi extends Construct {
  public readonly api: HttpApi;
  public readonly stage: HttpStage;
  public readonly handler: MonitorFunction;
  public readonly authorizerFunction: MonitorFunction;
  /** Base URL of the API, ending with `/`. */
  public readonly url: string;

  public constructor(scope: Construct, id: string, props: MonitorApiProps) {
    super(scope, id);
    const { table, tokenSecret, logRetention } = props;

    this.authorizerFunction = new MonitorFunction(this, 'AuthorizerFunction', {
      entry: 'functions/api/authorizer.ts',
      description: 'Checks the bearer token of API and dashboard requests',
      logRetention,
      timeout: Duration.seconds(10),
      environment: { [ENV.apiTokenSecretArn]: tokenSecret.secretArn },
    });
    tokenSecret.grantRead(this.authorizerFunction);

    this.handler = new MonitorFunction(this, 'ApiFunction', {
      entry: 'functions/api/handler.ts',
      description: 'Claude monitor API and dashboard',
      logRetention,
      memorySize: 512,
      timeout: Duration.seconds(29),
      commandHooks: copyDashboard,
      environment: {
        [ENV.tableName]: table.tableName,
        [ENV.apiTokenSecretArn]: tokenSecret.secretArn,
        [ENV.budgets]: props.budgets,
        ...(props.dashboardOrigin ? { [ENV.dashboardOrigin]: props.dashboardOrigin } : {}),
        POWERTOOLS_SERVICE_NAME: SERVICE.api,
        POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      },
    });
    grantTableRead(this.handler, table);
    this.handler.addToRolePolicy(apiBudgetWriteStatement(table));
    tokenSecret.grantRead(this.handler);

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `claude-monitor-${props.stageName}`,
      description: 'Claude usage and cost monitor',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('Api', this.handler),
      defaultAuthorizer: new HttpLambdaAuthorizer('TokenAuthorizer', this.authorizerFunction, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: [],
        resultsCacheTtl: Duration.seconds(0),
      }),
      ...(props.dashboardOrigin
        ? {
            // API Gateway answers CORS itself and drops the function's CORS headers: same rules as the app.
            corsPreflight: {
              allowOrigins: [props.dashboardOrigin],
              allowMethods: DASHBOARD_CORS.allowMethods.map((method) => method as CorsHttpMethod),
              allowHeaders: [...DASHBOARD_CORS.allowHeaders],
              exposeHeaders: [...DASHBOARD_CORS.exposeHeaders],
              allowCredentials: true,
              maxAge: Duration.seconds(DASHBOARD_CORS.maxAgeSeconds),
            },
          }
        : {}),
    });

    // An empty identity source list would still be sent; absent is what "no identity source" means.
    for (const child of this.api.node.findAll()) {
      if (child instanceof CfnAuthorizer) child.addPropertyDeletionOverride('IdentitySource');
    }

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The $default stage keeps request paths identical to the local server's (no stage prefix).
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit, burstLimit: props.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;
  }
}
