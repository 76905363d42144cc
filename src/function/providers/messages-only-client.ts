/**
 * The Anthropic SDK's client with the Messages API alone: the SDK's own
 * BaseAnthropic (requests, retries, errors, streaming) with only the Messages
 * resource attached, instead of the `Anthropic` class, which also builds
 * Models, Files, Skills, Organization and the rest. Measured: the code every
 * cold start loads went from 478.9 to 441.3 KiB (`npm run build`). The Beta
 * resource stays in it: the Bedrock SDK attaches Beta to the same
 * BaseAnthropic, and esbuild splits chunks by module, so that module's
 * imports stay with it. Bundled alone, without Bedrock, this client is
 * 127 KB against the whole SDK's 438 KB.
 */
import { BaseAnthropic } from '@anthropic-ai/sdk/client';
import { Messages } from '@anthropic-ai/sdk/resources/messages';

export class MessagesOnlyClient extends BaseAnthropic {
  readonly messages = new Messages(this);
}
