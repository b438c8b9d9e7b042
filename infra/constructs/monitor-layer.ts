import { AssetHashType, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { buildLayerSync } from '../../layers/claude-monitor/scripts/build-layer';
import { LAYER_RUNTIMES } from './layer-runtimes';
import { MONITOR_RUNTIME } from './monitor-function';
import { repoPath } from './repo-paths';

export interface MonitorLayerProps {
  /** Deployment name; the SSM parameter is `/claude-monitor/<stageName>/layer-version-arn`. */
  readonly stageName: string;
}

/**
 * The monitored-client layer, built offline with esbuild by the layer package's own build script (the
 * Docker image is never used). Its ARN is published as an SSM parameter (and as a stack output by the stack)
 * so functions in other stacks, apps and pipelines can find the current version.
 */
export class MonitorLayer extends Construct {
  public readonly layer: LayerVersion;
  public readonly parameter: StringParameter;
  /** The parameter's name as plain text (`parameter.parameterName` is a reference to the resource). */
  public readonly parameterName: string;

  public constructor(scope: Construct, id: string, props: MonitorLayerProps) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      description: 'Claude monitor: monitored Anthropic client that records every call to DynamoDB',
      compatibleRuntimes: [...LAYER_RUNTIMES],
      // Functions deployed elsewhere may still name an older version: keep every version until deleted by hand.
      removalPolicy: RemovalPolicy.RETAIN,
      // Plain JavaScript: it runs on either architecture.
      compatibleArchitectures: [Architecture.ARM_64, Architecture.X86_64],
      code: Code.fromAsset(repoPath('layers/claude-monitor'), {
        exclude: ['build', 'dist', 'node_modules'],
        // The bundle also holds the layer's dependencies: hash what is built, not the sources.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          image: MONITOR_RUNTIME.bundlingImage,
          local: {
            tryBundle(outputDir: string): boolean {
              buildLayerSync(outputDir);
              return true;
            },
          },
        },
      }),
    });
    this.parameterName = `/claude-monitor/${props.stageName}/layer-version-arn`;
    this.parameter = new StringParameter(this, 'LayerArnParameter', {
      parameterName: this.parameterName,
      description: 'ARN of the current Claude monitor layer version',
      stringValue: this.layer.layerVersionArn,
    });
  }
}
