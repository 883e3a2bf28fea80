// The AI SDK call options of one attempt, the same for a streamed and a whole answer: the
// prompt converted for the endpoint, tools, output limit, reasoning, sampling settings and the
// attempt's abort signal. Pure.
import type { LanguageModelV4CallOptions } from "@ai-sdk/provider";
import type { ModelRequest } from "./model-stream.ts";
import type { ProviderEndpoint } from "./provider-endpoint.ts";
import { toSdkPrompt, toSdkTools } from "./to-sdk-prompt.ts";

export function sdkCallOptions(
  endpoint: ProviderEndpoint,
  request: ModelRequest,
  abortSignal: AbortSignal,
): LanguageModelV4CallOptions {
  const tools = toSdkTools(request.tools);
  const { stopSequences, ...sampling } = request.sampling ?? {};
  return {
    prompt: toSdkPrompt(endpoint, request.messages),
    ...(tools === undefined ? {} : { tools }),
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
    ...(request.reasoning === undefined ? {} : { reasoning: request.reasoning }),
    ...sampling,
    ...(stopSequences === undefined ? {} : { stopSequences: [...stopSequences] }),
    abortSignal,
  };
}
