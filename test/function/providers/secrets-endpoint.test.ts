/** Where the key's GetSecretValue goes: the configured endpoint, else the secret's partition and Region, as the AWS SDK would. */
import { secretsManagerEndpoint, UnknownPartitionError } from '../../../src/function/providers/get-secret-value';

describe('Secrets Manager endpoint', () => {
  test.each([
    ['aws', 'eu-west-1', 'https://secretsmanager.eu-west-1.amazonaws.com/'],
    ['aws-cn', 'cn-north-1', 'https://secretsmanager.cn-north-1.amazonaws.com.cn/'],
    ['aws-us-gov', 'us-gov-west-1', 'https://secretsmanager.us-gov-west-1.amazonaws.com/'],
    ['aws-iso', 'us-iso-east-1', 'https://secretsmanager.us-iso-east-1.c2s.ic.gov/'],
    ['aws-eusc', 'eusc-de-east-1', 'https://secretsmanager.eusc-de-east-1.amazonaws.eu/'],
  ])('a secret in %s %s is read from its partition’s endpoint', (partition, region, expected) => {
    expect(secretsManagerEndpoint(partition, region, {}).href).toBe(expected);
  });

  test('AWS_USE_FIPS_ENDPOINT picks the FIPS endpoint; AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL, wins over both', () => {
    expect(secretsManagerEndpoint('aws', 'us-east-1', { AWS_USE_FIPS_ENDPOINT: 'true' }).href).toBe('https://secretsmanager-fips.us-east-1.amazonaws.com/');
    expect(secretsManagerEndpoint('aws', 'us-east-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }).href).toBe('http://127.0.0.1:4566/');
    expect(
      secretsManagerEndpoint('aws', 'us-east-1', { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566', AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9000' }).href,
    ).toBe('http://127.0.0.1:9000/');
  });

  test('a partition it does not know is an error that names the setting to give instead', () => {
    expect(() => secretsManagerEndpoint('aws-new', 'xx-east-1', {})).toThrow(UnknownPartitionError);
    expect(() => secretsManagerEndpoint('aws-new', 'xx-east-1', {})).toThrow(/set AWS_ENDPOINT_URL_SECRETS_MANAGER/);
  });
});
