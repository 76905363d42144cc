/**
 * CloudWatch Embedded Metric Format: the `_aws` metadata that makes
 * CloudWatch Logs turn members of a JSON log line into metrics, with no API
 * call and no permission. One directive per group of dimension sets; the
 * metric values and dimension values are members of the line itself.
 * Specification: docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
import type { MetricDefinition } from './definitions';

/** What CloudWatch accepts in one directive and in one dimension value. */
const MAX_METRICS_PER_DIRECTIVE = 100;
const MAX_DIMENSION_VALUE_CHARS = 1024;

export interface MetricGroup {
  /** The dimension sets the group's metrics are published under; each name must be a member of `dimensions`. */
  readonly dimensionSets: readonly (readonly string[])[];
  /** Metric name to value; a metric whose value is undefined is left out of the line. */
  readonly values: Readonly<Record<string, number | undefined>>;
}

export interface EmfMembers {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: readonly (readonly string[])[];
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }>;
    }>;
  };
  readonly [member: string]: unknown;
}

/**
 * The members to add to a log line so that it carries `groups` as metrics
 * in `namespace`, at `timestampMs`. Units come from `definitions`; a value
 * that is not a finite number is left out, and a group left with no metric
 * makes no directive.
 */
export function emfMembers(
  namespace: string,
  timestampMs: number,
  dimensions: Readonly<Record<string, string>>,
  definitions: Readonly<Record<string, MetricDefinition>>,
  groups: readonly MetricGroup[],
): EmfMembers {
  const members: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(dimensions)) members[name] = dimensionValue(value);
  const directives = groups.flatMap((group) => {
    const metrics = Object.entries(group.values)
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && Number.isFinite(entry[1]))
      .slice(0, MAX_METRICS_PER_DIRECTIVE);
    if (metrics.length === 0) return [];
    for (const [name, value] of metrics) members[name] = value;
    return [
      {
        Namespace: namespace,
        Dimensions: group.dimensionSets,
        Metrics: metrics.map(([name]) => ({ Name: name, Unit: definitions[name]?.unit ?? 'None' })),
      },
    ];
  });
  return { ...members, _aws: { Timestamp: timestampMs, CloudWatchMetrics: directives } };
}

/** CloudWatch takes 1 to 1024 characters with at least one that is not white space. */
function dimensionValue(value: string): string {
  const bounded = value.slice(0, MAX_DIMENSION_VALUE_CHARS);
  return bounded.trim() === '' ? 'unknown' : bounded;
}
