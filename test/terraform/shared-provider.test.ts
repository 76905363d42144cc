/**
 * Plans that share one provider process (TF_REATTACH_PROVIDERS) are the
 * plans Terraform makes with a provider of its own, and a plan that changes
 * the provider's configuration (region, default tags) never shares it: the
 * provider keeps one configuration for all its clients.
 */
import { SharedProvider } from '../../src/terraform/shared-provider';
import { offlineAwsEnv, requireTerraform, TerraformWorkdir, type PlanJson } from '../../src/terraform/terraform';
import { plannedResources } from '../helpers/terraform';
import { testStack } from '../helpers/test-run';

const BEDROCK = 'llm_provider = "bedrock"\nmemory_size = 1024\n';
const TAGGED = 'llm_provider = "bedrock"\naws_region = "eu-west-1"\ntags = { team = "eu" }\n';

describe('a provider shared by plans', () => {
  const { stackDir, cliConfig, stsUrl } = testStack();
  const own = new TerraformWorkdir(stackDir, requireTerraform(), cliConfig, offlineAwsEnv(stsUrl));
  const shared = new TerraformWorkdir(stackDir, requireTerraform(), cliConfig, offlineAwsEnv(stsUrl)).shareProvider();
  afterAll(() => shared.close());

  test('is used only by plans that set none of the variables the provider block reads', async () => {
    const provider = await SharedProvider.start(stackDir, offlineAwsEnv(stsUrl));
    try {
      expect([...provider!.configuredBy].sort()).toEqual(['aws_region', 'tags']);
      expect(provider!.admits(BEDROCK)).toBe(true);
      expect(provider!.admits('aws_region = "eu-west-1"\n')).toBe(false);
      expect(provider!.admits('memory_size = 512\n  tags = { a = "b" }\n')).toBe(false);
    } finally {
      await provider?.stop();
    }
  });

  test('gives the same plan as a provider of its own, and a plan with other tags and Region beside it keeps its own', async () => {
    const [alone, together, tagged] = await Promise.all([
      own.plan('shared-alone', BEDROCK),
      shared.plan('shared-together', BEDROCK),
      shared.plan('shared-tagged', TAGGED),
    ]);
    const comparable = (plan: PlanJson | undefined) => JSON.stringify({ values: plan?.planned_values, changes: plan?.resource_changes });
    expect(together.run.stderr).toBe('');
    expect(comparable(together.plan)).toBe(comparable(alone.plan));
    const tagsOf = (plan: PlanJson | undefined) => plannedResources(plan!, 'aws_lambda_function')[0].values.tags_all;
    expect(tagsOf(together.plan)).not.toHaveProperty('team');
    expect(tagsOf(tagged.plan)).toMatchObject({ team: 'eu' });
  });
});
