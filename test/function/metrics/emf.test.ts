/**
 * The serializer against the specification's checker, and the checker
 * against lines broken in each way the specification forbids (so a test
 * that relies on it can fail).
 */
import { REQUEST_METRICS } from '../../../src/function/metrics/definitions';
import { emfMembers } from '../../../src/function/metrics/emf';
import { emfProblems, extractedMetrics } from '../../helpers/emf';

const NOW = Date.UTC(2026, 10, 25, 12);
const valid = () => ({
  message: 'request',
  ...emfMembers('ClaudeAgent', NOW, { FunctionName: 'fn', Model: 'm' }, REQUEST_METRICS, [
    { dimensionSets: [['FunctionName'], ['FunctionName', 'Model']], values: { Requests: 1, CostUSD: 0.25, TimeToFirstToken: undefined } },
  ]),
});

describe('embedded metric format', () => {
  test('the serializer writes a valid line: one directive per group, units from the definitions, undefined values left out', () => {
    const line = valid();
    expect(emfProblems(JSON.stringify(line), NOW)).toEqual([]);
    expect(extractedMetrics(line)).toEqual([
      { namespace: 'ClaudeAgent', name: 'Requests', unit: 'Count', dimensions: { FunctionName: 'fn' }, values: [1] },
      { namespace: 'ClaudeAgent', name: 'CostUSD', unit: 'None', dimensions: { FunctionName: 'fn' }, values: [0.25] },
      { namespace: 'ClaudeAgent', name: 'Requests', unit: 'Count', dimensions: { FunctionName: 'fn', Model: 'm' }, values: [1] },
      { namespace: 'ClaudeAgent', name: 'CostUSD', unit: 'None', dimensions: { FunctionName: 'fn', Model: 'm' }, values: [0.25] },
    ]);
    expect(line).not.toHaveProperty('TimeToFirstToken');
  });

  test('a blank dimension value becomes "unknown"; a group with no value makes no directive', () => {
    const line = emfMembers('N', NOW, { FunctionName: ' ' }, REQUEST_METRICS, [{ dimensionSets: [['FunctionName']], values: { Requests: Number.NaN } }]);
    expect(line.FunctionName).toBe('unknown');
    expect(line._aws.CloudWatchMetrics).toEqual([]);
  });

  const BROKEN: Array<[string, (line: any) => void, RegExp]> = [
    ['no _aws', (l) => delete l._aws, /no _aws/],
    ['a timestamp in seconds', (l) => (l._aws.Timestamp = Math.floor(NOW / 1000)), /Timestamp/],
    ['a blank namespace', (l) => (l._aws.CloudWatchMetrics[0].Namespace = '  '), /Namespace/],
    ['a dimension not in the root', (l) => delete l.Model, /dimension Model is not a member/],
    ['a numeric dimension value', (l) => (l.FunctionName = 7), /dimension FunctionName has the value 7/],
    ['a metric not in the root', (l) => delete l.CostUSD, /metric CostUSD is not a member/],
    ['a string metric value', (l) => (l.Requests = '1'), /metric Requests has the value "1"/],
    ['an unknown unit', (l) => (l._aws.CloudWatchMetrics[0].Metrics[0].Unit = 'Dollars'), /unit "Dollars"/],
    ['31 dimensions in a set', (l) => (l._aws.CloudWatchMetrics[0].Dimensions = [Array.from({ length: 31 }, () => 'FunctionName')]), /more than 30/],
    ['a metric named twice', (l) => l._aws.CloudWatchMetrics[0].Metrics.push({ Name: 'Requests' }), /names Requests twice/],
    ['a storage resolution of 5', (l) => (l._aws.CloudWatchMetrics[0].Metrics[0].StorageResolution = 5), /StorageResolution 5/],
  ];

  test.each(BROKEN)('the checker rejects %s', (_label, breakIt, expected) => {
    const line: any = valid();
    breakIt(line);
    expect(emfProblems(JSON.stringify(line), NOW).join('\n')).toMatch(expected);
  });
});
