import { AnthropicInstrumentation as OpenInferenceInstrumentation } from '@arizeai/openinference-instrumentation-anthropic';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { AnthropicInstrumentation as OpenLLMetryInstrumentation } from '@traceloop/instrumentation-anthropic';
import { BenchVerificationError } from './errors';
import { type AnthropicModule, importSdkCopy } from './sdk-copies';

/** Non-streaming `messages.create()` or `messages.create({ stream: true })` read to the end. */
export const CALL_MODE = { create: 'create', stream: 'stream' } as const;
export type CallMode = (typeof CALL_MODE)[keyof typeof CALL_MODE];

export const CONFIGURATION = {
  plain: 'plain',
  monitored: 'monitored',
  otelBuiltin: 'otel_builtin',
  openllmetry: 'openllmetry',
  openinference: 'openinference',
} as const;
export type ConfigurationName = (typeof CONFIGURATION)[keyof typeof CONFIGURATION];

/** Model of every benchmark call: priced by the monitor, so records carry a real cost. */
export const BENCH_MODEL = 'claude-sonnet-4-6';

const REQUEST = {
  model: BENCH_MODEL,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Say hello in five words.' }],
};

/** Records a flush stored, and records it could only log. */
export interface FlushCount {
  written: number;
  notWritten: number;
}

type Client = InstanceType<AnthropicModule['default']>;

/** One way of calling Claude that the benchmark times against the others. */
export interface Configuration {
  readonly name: ConfigurationName;
  call(mode: CallMode): Promise<void>;
  /** Spans finished so far (tracing configurations only). */
  spans?(): number;
  /** Drops finished spans, so the heap measurement starts empty. */
  resetSpans?(): void;
  /** Writes buffered records (the monitored client only). */
  flush?(): Promise<FlushCount>;
}

export interface ConfigurationOptions {
  /** Base URL of the local Messages API stub. */
  stubUrl: string;
}

export interface ConfigurationSet {
  readonly configurations: readonly Configuration[];
  close(): Promise<void>;
}

const callWith = async (client: Client, mode: CallMode): Promise<void> => {
  if (mode === CALL_MODE.create) {
    const message = await client.messages.create(REQUEST);
    if (message.type !== 'message') throw new BenchVerificationError('call', 'not a message');
    return;
  }
  const stream = await client.messages.create({ ...REQUEST, stream: true });
  for await (const _event of stream) {
    // Reading every event is the work a streaming caller does; the events themselves are not needed.
  }
};

/** Options every client shares. SDK tracing is off except where it is the thing measured (see below). */
const clientOptions = (stubUrl: string) => ({
  apiKey: 'bench-key',
  baseURL: stubUrl,
  maxRetries: 0,
  // A registered global tracer provider switches the SDK's own tracing on in every client that does not
  // say otherwise; without this, the tool configurations would emit two spans per call.
  openTelemetry: false as const,
});

const inMemoryTracing = () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider };
};

/**
 * OpenLLMetry 0.27 wraps `Anthropic.Completions`, which SDK 1.x no longer has, and throws without it.
 * It only needs somewhere to put that wrapper, so it gets the real `Messages` and `Beta` next to an
 * empty stand-in; its stream wrapper also builds an `APIPromise` from the module it was handed.
 */
const openLLMetryModuleView = (sdk: AnthropicModule) => {
  class Completions {
    public create(): never {
      throw new Error('legacy completions are not part of SDK 1.x');
    }
  }
  return {
    APIPromise: sdk.APIPromise,
    Anthropic: { Completions, Messages: sdk.Anthropic.Messages, Beta: sdk.Anthropic.Beta },
  };
};

/**
 * Builds the five configurations, each on its own copy of the SDK module.
 * The monitored client is imported from `claude-monitor`; the environment must already name its table.
 */
export const createConfigurations = async (options: ConfigurationOptions): Promise<ConfigurationSet> => {
  const { stubUrl } = options;
  const [plainSdk, builtinSdk, openLLMetrySdk, openInferenceSdk] = await Promise.all([
    importSdkCopy(CONFIGURATION.plain),
    importSdkCopy(CONFIGURATION.otelBuiltin),
    importSdkCopy(CONFIGURATION.openllmetry),
    importSdkCopy(CONFIGURATION.openinference),
  ]);
  const monitor = await import('claude-monitor');

  const plain = new plainSdk.default(clientOptions(stubUrl));
  const monitored = new monitor.MonitoredAnthropic(clientOptions(stubUrl));

  const builtinTracing = inMemoryTracing();
  // Registered globally, as an application does; the client is also handed the provider so a provider
  // registered earlier in the same process cannot take its place.
  const registered = trace.setGlobalTracerProvider(builtinTracing.provider);
  const builtin = new builtinSdk.default({
    ...clientOptions(stubUrl),
    openTelemetry: { tracerProvider: builtinTracing.provider },
  });

  const openLLMetryTracing = inMemoryTracing();
  const openLLMetry = new OpenLLMetryInstrumentation({ enabled: false });
  openLLMetry.setTracerProvider(openLLMetryTracing.provider);
  openLLMetry.manuallyInstrument(openLLMetryModuleView(openLLMetrySdk) as never);
  const openLLMetryClient = new openLLMetrySdk.default(clientOptions(stubUrl));

  const openInferenceTracing = inMemoryTracing();
  const openInference = new OpenInferenceInstrumentation({
    instrumentationConfig: { enabled: false },
    tracerProvider: openInferenceTracing.provider,
  });
  openInference.manuallyInstrument(openInferenceSdk as never);
  const openInferenceClient = new openInferenceSdk.default(clientOptions(stubUrl));

  const traced = (tracing: ReturnType<typeof inMemoryTracing>) => ({
    spans: () => tracing.exporter.getFinishedSpans().length,
    resetSpans: () => tracing.exporter.reset(),
  });

  const configurations: Configuration[] = [
    { name: CONFIGURATION.plain, call: (mode) => callWith(plain, mode) },
    {
      name: CONFIGURATION.monitored,
      call: (mode) => callWith(monitored as unknown as Client, mode),
      flush: () => monitor.flush(),
    },
    {
      name: CONFIGURATION.otelBuiltin,
      call: (mode) => callWith(builtin, mode),
      ...traced(builtinTracing),
    },
    {
      name: CONFIGURATION.openllmetry,
      call: (mode) => callWith(openLLMetryClient, mode),
      ...traced(openLLMetryTracing),
    },
    {
      name: CONFIGURATION.openinference,
      call: (mode) => callWith(openInferenceClient, mode),
      ...traced(openInferenceTracing),
    },
  ];

  return {
    configurations,
    close: async () => {
      openLLMetry.disable();
      openInference.disable();
      if (registered) trace.disable();
      await Promise.all(
        [builtinTracing, openLLMetryTracing, openInferenceTracing].map((t) => t.provider.shutdown()),
      );
    },
  };
};
