/**
 * The OTLP request and response messages as a protobufjs JSON descriptor: the field names, numbers
 * and types of the OpenTelemetry project's own definitions (opentelemetry-proto v1: common, resource,
 * trace, metrics and the collector's trace/metrics services; Apache-2.0, see NOTICE.md). No installed
 * package ships the .proto files or a request decoder, so the schema is written down here once and
 * protobufjs builds the decoder from it. Only what PerfLens reads is listed; protobuf skips unknown
 * fields, so newer senders still decode. Names are camelCase, as OTLP/JSON spells them.
 */
import * as protobuf from 'protobufjs';

type Fields = Record<string, { id: number; type: string; rule?: 'repeated' }>;
const msg = (fields: Fields) => ({ fields });
const rep = (id: number, type: string) => ({ id, type, rule: 'repeated' as const });

const common = {
  AnyValue: {
    oneofs: {
      value: {
        oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'],
      },
    },
    fields: {
      stringValue: { id: 1, type: 'string' },
      boolValue: { id: 2, type: 'bool' },
      intValue: { id: 3, type: 'int64' },
      doubleValue: { id: 4, type: 'double' },
      arrayValue: { id: 5, type: 'ArrayValue' },
      kvlistValue: { id: 6, type: 'KeyValueList' },
      bytesValue: { id: 7, type: 'bytes' },
    },
  },
  ArrayValue: msg({ values: rep(1, 'AnyValue') }),
  KeyValueList: msg({ values: rep(1, 'KeyValue') }),
  KeyValue: msg({ key: { id: 1, type: 'string' }, value: { id: 2, type: 'AnyValue' } }),
  InstrumentationScope: msg({
    name: { id: 1, type: 'string' },
    version: { id: 2, type: 'string' },
    attributes: rep(3, 'KeyValue'),
    droppedAttributesCount: { id: 4, type: 'uint32' },
  }),
  Resource: msg({ attributes: rep(1, 'KeyValue'), droppedAttributesCount: { id: 2, type: 'uint32' } }),
};

const trace = {
  ResourceSpans: msg({ resource: { id: 1, type: 'Resource' }, scopeSpans: rep(2, 'ScopeSpans') }),
  ScopeSpans: msg({ scope: { id: 1, type: 'InstrumentationScope' }, spans: rep(2, 'Span') }),
  Span: msg({
    traceId: { id: 1, type: 'bytes' },
    spanId: { id: 2, type: 'bytes' },
    traceState: { id: 3, type: 'string' },
    parentSpanId: { id: 4, type: 'bytes' },
    name: { id: 5, type: 'string' },
    kind: { id: 6, type: 'int32' },
    startTimeUnixNano: { id: 7, type: 'fixed64' },
    endTimeUnixNano: { id: 8, type: 'fixed64' },
    attributes: rep(9, 'KeyValue'),
    droppedAttributesCount: { id: 10, type: 'uint32' },
    status: { id: 15, type: 'Status' },
    flags: { id: 16, type: 'fixed32' },
  }),
  Status: msg({ message: { id: 2, type: 'string' }, code: { id: 3, type: 'int32' } }),
  ExportTraceServiceRequest: msg({ resourceSpans: rep(1, 'ResourceSpans') }),
  ExportTracePartialSuccess: msg({ rejectedSpans: { id: 1, type: 'int64' }, errorMessage: { id: 2, type: 'string' } }),
  ExportTraceServiceResponse: msg({ partialSuccess: { id: 1, type: 'ExportTracePartialSuccess' } }),
};

const dataPoint = {
  NumberDataPoint: msg({
    attributes: rep(7, 'KeyValue'),
    startTimeUnixNano: { id: 2, type: 'fixed64' },
    timeUnixNano: { id: 3, type: 'fixed64' },
    asDouble: { id: 4, type: 'double' },
    asInt: { id: 6, type: 'sfixed64' },
    flags: { id: 8, type: 'uint32' },
  }),
  HistogramDataPoint: msg({
    attributes: rep(9, 'KeyValue'),
    startTimeUnixNano: { id: 2, type: 'fixed64' },
    timeUnixNano: { id: 3, type: 'fixed64' },
    count: { id: 4, type: 'fixed64' },
    sum: { id: 5, type: 'double' },
    bucketCounts: rep(6, 'fixed64'),
    explicitBounds: rep(7, 'double'),
    flags: { id: 10, type: 'uint32' },
    min: { id: 11, type: 'double' },
    max: { id: 12, type: 'double' },
  }),
  ValueAtQuantile: msg({ quantile: { id: 1, type: 'double' }, value: { id: 2, type: 'double' } }),
  SummaryDataPoint: msg({
    attributes: rep(7, 'KeyValue'),
    startTimeUnixNano: { id: 2, type: 'fixed64' },
    timeUnixNano: { id: 3, type: 'fixed64' },
    count: { id: 4, type: 'fixed64' },
    sum: { id: 5, type: 'double' },
    quantileValues: rep(6, 'ValueAtQuantile'),
    flags: { id: 8, type: 'uint32' },
  }),
};

const metrics = {
  ResourceMetrics: msg({ resource: { id: 1, type: 'Resource' }, scopeMetrics: rep(2, 'ScopeMetrics') }),
  ScopeMetrics: msg({ scope: { id: 1, type: 'InstrumentationScope' }, metrics: rep(2, 'Metric') }),
  Metric: msg({
    name: { id: 1, type: 'string' },
    description: { id: 2, type: 'string' },
    unit: { id: 3, type: 'string' },
    gauge: { id: 5, type: 'Gauge' },
    sum: { id: 7, type: 'Sum' },
    histogram: { id: 9, type: 'Histogram' },
    summary: { id: 11, type: 'Summary' },
  }),
  Gauge: msg({ dataPoints: rep(1, 'NumberDataPoint') }),
  Sum: msg({
    dataPoints: rep(1, 'NumberDataPoint'),
    aggregationTemporality: { id: 2, type: 'int32' },
    isMonotonic: { id: 3, type: 'bool' },
  }),
  Histogram: msg({ dataPoints: rep(1, 'HistogramDataPoint'), aggregationTemporality: { id: 2, type: 'int32' } }),
  Summary: msg({ dataPoints: rep(1, 'SummaryDataPoint') }),
  ...dataPoint,
  ExportMetricsServiceRequest: msg({ resourceMetrics: rep(1, 'ResourceMetrics') }),
  ExportMetricsPartialSuccess: msg({
    rejectedDataPoints: { id: 1, type: 'int64' },
    errorMessage: { id: 2, type: 'string' },
  }),
  ExportMetricsServiceResponse: msg({ partialSuccess: { id: 1, type: 'ExportMetricsPartialSuccess' } }),
};

/** google.rpc.Status, the body of an OTLP error response. */
const rpc = { RpcStatus: msg({ code: { id: 1, type: 'int32' }, message: { id: 2, type: 'string' } }) };

let root: protobuf.Root | undefined;

/** The OTLP types, built once on first use (receiving is not on the activation path). */
export function otlpType(name: keyof typeof trace | keyof typeof metrics | keyof typeof rpc): protobuf.Type {
  root ??= protobuf.Root.fromJSON({ nested: { otlp: { nested: { ...common, ...trace, ...metrics, ...rpc } } } });
  return root.lookupType(`otlp.${name}`);
}
