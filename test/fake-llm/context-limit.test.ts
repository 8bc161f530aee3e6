// Tests fake-llm's context limit (refusing an over-long prompt as each real API does) and its
// standing replies (answering requests that contain a text, whenever they come).

import { describe, expect, it } from "vitest";
import type { Scenario } from "./scenario.ts";
import { parseScenario } from "./scenario.ts";
import { withFakeLlm } from "./with-fake-llm.ts";

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const long = "x".repeat(4_000);
const anthropicBody = (text: string) => ({
  model: "claude-fake",
  max_tokens: 100,
  messages: [{ role: "user", content: text }],
});
const chatBody = (text: string) => ({ model: "gpt", messages: [{ role: "user", content: text }] });
const responsesBody = (text: string) => ({ model: "gpt", input: text });

const limited: Scenario = {
  contextLimitTokens: 500,
  turns: [{ blocks: [{ type: "text", text: "short enough" }] }],
};

describe("fake-llm context limit", () => {
  it("refuses an over-long Anthropic prompt with the API's 400, consuming no turn", async () => {
    await withFakeLlm(limited, async (fake) => {
      const refused = await post(`${fake.url}/v1/messages`, anthropicBody(long));
      expect(refused.status).toBe(400);
      const error = refused.body.error as { type: string; message: string };
      expect(refused.body.type).toBe("error");
      expect(error.type).toBe("invalid_request_error");
      expect(error.message).toMatch(/^prompt is too long: \d+ tokens > 500 maximum$/);
      const ok = await post(`${fake.url}/v1/messages`, anthropicBody("hi"));
      expect(ok.status).toBe(200);
      expect(fake.violations).toEqual([]);
      expect(fake.requests.map((r) => [r.turn, r.overLimit?.limit])).toEqual([
        [undefined, 500],
        [1, undefined],
      ]);
      expect(fake.requests[0]?.overLimit?.tokens).toBeGreaterThan(1_000);
    });
  });

  it("refuses over-long OpenAI prompts with context_length_exceeded", async () => {
    await withFakeLlm(limited, async (fake) => {
      const chat = await post(`${fake.url}/v1/chat/completions`, chatBody(long));
      expect(chat.status).toBe(400);
      const error = chat.body.error as Record<string, unknown>;
      expect(error).toMatchObject({
        type: "invalid_request_error",
        code: "context_length_exceeded",
        param: "messages",
      });
      expect(error.message).toMatch(
        /^This model's maximum context length is 500 tokens\. However, your messages resulted in \d+ tokens\./,
      );
      const responses = await post(`${fake.url}/v1/responses`, responsesBody(long));
      expect(responses.status).toBe(400);
      expect(responses.body).toMatchObject({
        error: { code: "context_length_exceeded", param: "input" },
      });
      expect(fake.remainingTurns()).toBe(1);
    });
  });
});

describe("fake-llm standing replies", () => {
  it("answers a request containing the text, as often as it comes, without using up turns", async () => {
    const scenario = parseScenario({
      turns: [
        { blocks: [{ type: "text", text: "turn one" }] },
        { blocks: [{ type: "text", text: "turn two" }] },
      ],
      onRequestIncluding: [
        {
          text: 'say "summary"\nplease',
          reply: { blocks: [{ type: "text", text: "the summary" }] },
        },
      ],
    });
    await withFakeLlm(scenario, async (fake) => {
      const texts: unknown[] = [];
      for (const prompt of ["a", 'say "summary"\nplease', "b", 'say "summary"\nplease']) {
        const reply = await post(`${fake.url}/v1/messages`, anthropicBody(prompt));
        texts.push((reply.body.content as Array<{ text: string }>)[0]?.text);
      }
      expect(texts).toEqual(["turn one", "the summary", "turn two", "the summary"]);
      expect(fake.requests.map((r) => [r.turn, r.standingReply])).toEqual([
        [1, undefined],
        [undefined, 0],
        [2, undefined],
        [undefined, 0],
      ]);
      expect(fake.violations).toEqual([]);
    });
  });
});
