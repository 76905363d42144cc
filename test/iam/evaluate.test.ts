/**
 * The IAM evaluation the simulation relies on, case by case against AWS's
 * "Policy evaluation logic" and "IAM JSON policy elements: Condition
 * operators": what allows, what denies, and what it refuses to judge.
 */
import { evaluate, globMatches, type IamStatement } from '../helpers/iam/evaluate';

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/agent-state';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const allow = (extra: Partial<IamStatement>): IamStatement => ({ Sid: 'Allow', Effect: 'Allow', ...extra });

describe('IAM evaluation of identity policies', () => {
  test('nothing is allowed unless a statement allows it (implicit deny)', () => {
    expect(evaluate([], { action: 'dynamodb:GetItem', resource: TABLE })).toEqual({ decision: 'implicitly denied' });
  });

  test('an Allow matches its actions case-insensitively and its resources exactly', () => {
    const statements = [allow({ Action: ['dynamodb:GetItem'], Resource: TABLE })];
    expect(evaluate(statements, { action: 'DynamoDB:getitem', resource: TABLE }).decision).toBe('allowed');
    expect(evaluate(statements, { action: 'dynamodb:PutItem', resource: TABLE }).decision).toBe('implicitly denied');
    expect(evaluate(statements, { action: 'dynamodb:GetItem', resource: TABLE.toUpperCase() }).decision).toBe('implicitly denied');
    expect(evaluate(statements, { action: 'dynamodb:GetItem', resource: `${TABLE}-other` }).decision).toBe('implicitly denied');
  });

  test('an explicit Deny wins over any Allow', () => {
    const statements: IamStatement[] = [
      allow({ Action: 'dynamodb:*', Resource: '*' }),
      { Sid: 'NoDelete', Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: TABLE },
    ];
    expect(evaluate(statements, { action: 'dynamodb:DeleteTable', resource: TABLE })).toEqual({ decision: 'explicitly denied', by: 'NoDelete' });
    expect(evaluate(statements, { action: 'dynamodb:GetItem', resource: TABLE }).decision).toBe('allowed');
  });

  test('wildcards: * spans any characters, ARN separators included, ? exactly one; nothing else is special', () => {
    expect(globMatches('arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn:*', 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn:log-stream:a/b')).toBe(true);
    expect(globMatches('arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn:*', 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/fn-other:log-stream:a')).toBe(
      false,
    );
    expect(globMatches('queue-?', 'queue-1')).toBe(true);
    expect(globMatches('queue-?', 'queue-12')).toBe(false);
    expect(globMatches('a.b', 'axb')).toBe(false);
  });

  test('NotAction and NotResource match everything but what they list', () => {
    const statements = [allow({ NotAction: 'iam:*', NotResource: TABLE })];
    expect(evaluate(statements, { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key' }).decision).toBe('allowed');
    expect(evaluate(statements, { action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r' }).decision).toBe('implicitly denied');
    expect(evaluate(statements, { action: 's3:GetObject', resource: TABLE }).decision).toBe('implicitly denied');
  });

  describe('conditions', () => {
    const viaDynamoDb = allow({
      Action: ['kms:Decrypt'],
      Resource: KEY,
      Condition: { StringEquals: { 'kms:ViaService': 'dynamodb.us-east-1.amazonaws.com' } },
    });

    test('StringEquals holds only when the request carries the key with an equal value (key names are case-insensitive)', () => {
      expect(
        evaluate([viaDynamoDb], { action: 'kms:Decrypt', resource: KEY, context: { 'kms:viaservice': 'dynamodb.us-east-1.amazonaws.com' } }).decision,
      ).toBe('allowed');
      expect(evaluate([viaDynamoDb], { action: 'kms:Decrypt', resource: KEY, context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }).decision).toBe(
        'implicitly denied',
      );
      expect(evaluate([viaDynamoDb], { action: 'kms:Decrypt', resource: KEY }).decision).toBe('implicitly denied');
    });

    test('a negated operator holds when the key is absent; IfExists holds when it is absent', () => {
      const notS3 = allow({ Action: 'kms:Decrypt', Resource: KEY, Condition: { StringNotEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } });
      expect(evaluate([notS3], { action: 'kms:Decrypt', resource: KEY }).decision).toBe('allowed');
      expect(evaluate([notS3], { action: 'kms:Decrypt', resource: KEY, context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }).decision).toBe(
        'implicitly denied',
      );
      const ifExists = allow({
        Action: 'kms:Decrypt',
        Resource: KEY,
        Condition: { StringEqualsIfExists: { 'kms:ViaService': 'sqs.us-east-1.amazonaws.com' } },
      });
      expect(evaluate([ifExists], { action: 'kms:Decrypt', resource: KEY }).decision).toBe('allowed');
      expect(evaluate([ifExists], { action: 'kms:Decrypt', resource: KEY, context: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } }).decision).toBe(
        'implicitly denied',
      );
    });

    test('ArnEquals and ArnLike compare part by part: a wildcard does not reach into the next part', () => {
      const inVpc = allow({
        Action: 'ec2:DeleteNetworkInterface',
        Resource: '*',
        Condition: { ArnLike: { 'ec2:Vpc': 'arn:aws:ec2:*:123456789012:vpc/vpc-1*' } },
      });
      expect(
        evaluate([inVpc], { action: 'ec2:DeleteNetworkInterface', resource: '*', context: { 'ec2:Vpc': 'arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-12' } })
          .decision,
      ).toBe('allowed');
      expect(
        evaluate([inVpc], { action: 'ec2:DeleteNetworkInterface', resource: '*', context: { 'ec2:Vpc': 'arn:aws:ec2:eu-west-1:999999999999:vpc/vpc-12' } })
          .decision,
      ).toBe('implicitly denied');
      const wide = allow({ Action: 'ec2:DeleteNetworkInterface', Resource: '*', Condition: { ArnLike: { 'ec2:Vpc': 'arn:aws:ec2:*' } } });
      expect(evaluate([wide], { action: 'ec2:DeleteNetworkInterface', resource: '*', context: { 'ec2:Vpc': 'arn:aws:ec2:eu-west-1:1:vpc/v' } }).decision).toBe(
        'implicitly denied',
      );
    });

    test("every condition of a statement must hold, and any one of a key's values may match", () => {
      const both = allow({
        Action: 'bedrock:InvokeModelWithResponseStream',
        Resource: '*',
        Condition: { StringEquals: { 'bedrock:InferenceProfileArn': ['arn:p1', 'arn:p2'], 'aws:RequestedRegion': 'us-east-1' } },
      });
      const request = (context: Record<string, string>) => ({ action: 'bedrock:InvokeModelWithResponseStream', resource: 'arn:m', context });
      expect(evaluate([both], request({ 'bedrock:InferenceProfileArn': 'arn:p2', 'aws:RequestedRegion': 'us-east-1' })).decision).toBe('allowed');
      expect(evaluate([both], request({ 'bedrock:InferenceProfileArn': 'arn:p2' })).decision).toBe('implicitly denied');
    });

    test('a statement without an action or a resource element is refused, as IAM refuses it', () => {
      const typo = { Sid: 'Typo', Effect: 'Allow', Actions: 'dynamodb:GetItem', Resource: TABLE } as unknown as IamStatement;
      expect(() => evaluate([typo], { action: 'dynamodb:GetItem', resource: TABLE })).toThrow(/exactly one of Action and NotAction/);
      expect(() => evaluate([allow({ Action: 'dynamodb:GetItem' })], { action: 'dynamodb:GetItem', resource: TABLE })).toThrow(/exactly one of Resource/);
    });

    test('an operator it does not know, or a policy variable, is an error, never a guess', () => {
      const unknown = allow({ Action: 'kms:Decrypt', Resource: KEY, Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'x' } } });
      expect(() => evaluate([unknown], { action: 'kms:Decrypt', resource: KEY })).toThrow(/ForAnyValue:StringEquals/);
      const variable = allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/${aws:username}/*' });
      expect(() => evaluate([variable], { action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/alice/x' })).toThrow(/policy variables/);
      const inCondition = allow({ Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 's3:prefix': '${aws:username}/' } } });
      expect(() => evaluate([inCondition], { action: 's3:GetObject', resource: 'x', context: { 's3:prefix': 'alice/' } })).toThrow(/policy variables/);
    });
  });
});
