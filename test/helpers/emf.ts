/**
 * CloudWatch Embedded Metric Format, checked as CloudWatch Logs reads it
 * (docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * what makes a log line valid EMF, and the metrics CloudWatch would extract
 * from it. Written from the specification, not from our serializer, so a
 * defect in one is not mirrored in the other.
 */

/** Units the specification allows. */
const UNITS = new Set([
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits',
  'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second',
  'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
]); // prettier-ignore
const MAX_DIMENSIONS_PER_SET = 30;
const MAX_METRICS_PER_DIRECTIVE = 100;
const MAX_VALUES_PER_METRIC = 100;
const MAX_NAME_CHARS = 1024;
const MAX_DIMENSION_VALUE_CHARS = 1024;
/** CloudWatch's extraction rejects timestamps more than 2 weeks old or 2 hours ahead. @unit ms */
const TIMESTAMP_PAST_MS = 14 * 24 * 3600_000;
const TIMESTAMP_FUTURE_MS = 2 * 3600_000;

/** One data point CloudWatch would publish. */
export interface ExtractedMetric {
  readonly namespace: string;
  readonly name: string;
  readonly unit?: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly values: readonly number[];
}

/** The problems that make `line` invalid EMF; empty when it is valid. */
export function emfProblems(line: string, now = Date.now()): string[] {
  let root: any;
  try {
    root = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  if (!isObject(root)) return ['not a JSON object'];
  const problems: string[] = [];
  const aws = root._aws;
  if (!isObject(aws)) return ['no _aws object'];
  if (!Number.isInteger(aws.Timestamp)) problems.push('_aws.Timestamp is not an integer (milliseconds since the epoch)');
  else if (aws.Timestamp < now - TIMESTAMP_PAST_MS || aws.Timestamp > now + TIMESTAMP_FUTURE_MS)
    problems.push(`_aws.Timestamp ${aws.Timestamp} is out of range`);
  if (!Array.isArray(aws.CloudWatchMetrics)) return [...problems, '_aws.CloudWatchMetrics is not an array'];
  aws.CloudWatchMetrics.forEach((directive: any, i: number) => {
    const at = `CloudWatchMetrics[${i}]`;
    if (!isObject(directive)) {
      problems.push(`${at} is not an object`);
      return;
    }
    if (typeof directive.Namespace !== 'string' || directive.Namespace.trim() === '' || directive.Namespace.length > MAX_NAME_CHARS)
      problems.push(`${at}.Namespace must be a non-blank string`);
    if (!Array.isArray(directive.Dimensions)) problems.push(`${at}.Dimensions is not an array`);
    else
      directive.Dimensions.forEach((set: unknown, j: number) => {
        if (!Array.isArray(set)) {
          problems.push(`${at}.Dimensions[${j}] is not an array`);
          return;
        }
        if (set.length > MAX_DIMENSIONS_PER_SET) problems.push(`${at}.Dimensions[${j}] has more than ${MAX_DIMENSIONS_PER_SET} dimensions`);
        for (const key of set) {
          if (typeof key !== 'string' || key === '') problems.push(`${at}.Dimensions[${j}] has a key that is not a non-empty string`);
          else if (!(key in root)) problems.push(`dimension ${key} is not a member of the root`);
          else if (typeof root[key] !== 'string' || root[key].trim() === '' || root[key].length > MAX_DIMENSION_VALUE_CHARS)
            problems.push(`dimension ${key} has the value ${JSON.stringify(root[key])}, not a string of 1 to ${MAX_DIMENSION_VALUE_CHARS} characters`);
        }
      });
    if (!Array.isArray(directive.Metrics)) {
      problems.push(`${at}.Metrics is not an array`);
      return;
    }
    if (directive.Metrics.length > MAX_METRICS_PER_DIRECTIVE) problems.push(`${at}.Metrics has more than ${MAX_METRICS_PER_DIRECTIVE} metrics`);
    const seen = new Set<string>();
    for (const metric of directive.Metrics) {
      if (!isObject(metric) || typeof metric.Name !== 'string' || metric.Name === '' || metric.Name.length > MAX_NAME_CHARS) {
        problems.push(`${at}.Metrics has an entry without a valid Name`);
        continue;
      }
      if (seen.has(metric.Name)) problems.push(`${at}.Metrics names ${metric.Name} twice`);
      seen.add(metric.Name);
      if (metric.Unit !== undefined && !UNITS.has(metric.Unit))
        problems.push(`metric ${metric.Name} has the unit ${JSON.stringify(metric.Unit)}, not one of the specification's`);
      if (metric.StorageResolution !== undefined && metric.StorageResolution !== 1 && metric.StorageResolution !== 60)
        problems.push(`metric ${metric.Name} has StorageResolution ${metric.StorageResolution}, not 1 or 60`);
      const value = root[metric.Name];
      const values = Array.isArray(value) ? value : [value];
      if (!(metric.Name in root)) problems.push(`metric ${metric.Name} is not a member of the root`);
      else if (values.length === 0 || values.length > MAX_VALUES_PER_METRIC || !values.every((v) => typeof v === 'number' && Number.isFinite(v)))
        problems.push(`metric ${metric.Name} has the value ${JSON.stringify(value)}, not a number or an array of 1 to ${MAX_VALUES_PER_METRIC} numbers`);
    }
  });
  return problems;
}

/** The metrics CloudWatch would extract from a valid line: one entry per metric and dimension set. */
export function extractedMetrics(line: string | Record<string, any>): ExtractedMetric[] {
  const root = typeof line === 'string' ? JSON.parse(line) : line;
  return (root._aws.CloudWatchMetrics as any[]).flatMap((directive) =>
    (directive.Dimensions as string[][]).flatMap((set) =>
      (directive.Metrics as Array<{ Name: string; Unit?: string }>).map((metric) => ({
        namespace: directive.Namespace as string,
        name: metric.Name,
        unit: metric.Unit,
        dimensions: Object.fromEntries(set.map((key) => [key, root[key] as string])),
        values: Array.isArray(root[metric.Name]) ? root[metric.Name] : [root[metric.Name]],
      })),
    ),
  );
}

/** The value of metric `name` under exactly the dimensions `dimensions` (by key), or undefined when the line does not publish it there. */
export function metricValue(line: Record<string, any>, name: string, dimensionKeys: readonly string[]): number | undefined {
  const wanted = [...dimensionKeys].sort().join(',');
  const found = extractedMetrics(line).find((m) => m.name === name && Object.keys(m.dimensions).sort().join(',') === wanted);
  return found?.values[0];
}

/** The line without its EMF members: what a reader of the log sees besides the metrics. */
export function withoutEmf(line: Record<string, any>): Record<string, any> {
  const emfKeys = new Set<string>(['_aws']);
  for (const directive of line._aws?.CloudWatchMetrics ?? []) {
    for (const set of directive.Dimensions) for (const key of set) emfKeys.add(key);
    for (const metric of directive.Metrics) emfKeys.add(metric.Name);
  }
  return Object.fromEntries(Object.entries(line).filter(([key]) => !emfKeys.has(key)));
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
