import { Duration } from 'aws-cdk-lib';
import { Dashboard, GraphWidget, MathExpression } from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { METRIC_PANELS, panelQuery } from '../dashboards/metric-panels';

/** A CloudWatch dashboard of the monitor's metrics: one Metrics Insights graph per panel. */
export class MetricsDashboard extends Construct {
  public readonly dashboard: Dashboard;

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    const widgets = METRIC_PANELS.map(
      (panel) =>
        new GraphWidget({
          title: panel.title,
          width: 12,
          left: [
            new MathExpression({
              expression: panelQuery(panel),
              usingMetrics: {},
              period: Duration.minutes(5),
              label: panel.metric,
            }),
          ],
        }),
    );
    for (let i = 0; i < widgets.length; i += 2) this.dashboard.addWidgets(...widgets.slice(i, i + 2));
  }
}
