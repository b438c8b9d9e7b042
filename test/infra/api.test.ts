import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT, synthMonitorStack } from './support/synth-stack';

type Route = { Properties: { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown } };

describe('monitor API', () => {
  const { template } = synthMonitorStack();

  it('sends every route, the default route included, through the Lambda authorizer', () => {
    // Prepare
    const authorizerId = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];
    // Act
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Route[];
    // Assess
    expect(routes.map((route) => route.Properties.RouteKey)).toContain('$default');
    for (const route of routes) {
      expect(route.Properties.AuthorizationType).toBe('CUSTOM');
      expect(route.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
    }
  });

  it('runs the authorizer on every request, with simple responses and no identity source', () => {
    // Prepare: the token may be in a header, a cookie or the query string
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
        AuthorizerType: 'REQUEST',
        EnableSimpleResponses: true,
        AuthorizerResultTtlInSeconds: 0,
        IdentitySource: Match.absent(),
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('throttles the default stage and writes access logs', () => {
    // Prepare: default throttle 20 rps, burst 40
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('routeKey') },
      });
    // Assess
    expect(assess).not.toThrow();
  });

  it('has no CORS unless a dashboard origin is configured', () => {
    // Prepare: default stack
    // Act
    const assess = () =>
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    // Assess
    expect(assess).not.toThrow();
  });

  it('allows exactly the dashboard origin when one is configured', SYNTH_TIMEOUT, () => {
    // Prepare
    const origin = 'https://dashboard.example.com';
    // Act
    const { template: withCors } = synthMonitorStack({ dashboardOrigin: origin });
    // Assess
    withCors.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: [origin] }),
    });
    // API Gateway answers CORS itself: a cross-origin dashboard must be able to read the paging headers.
    withCors.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({
        ExposeHeaders: Match.arrayWith(['x-next-cursor', 'link', 'content-disposition']),
      }),
    });
  });
});
