/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The chat page of `npm run dev`, in a real headless Chromium: the real CLI
 * with the mock model and a streaming function, a question typed and sent as
 * a user would. Text must arrive piece by piece before the answer completes,
 * the tool call show its input and result, usage and cost follow, the
 * conversation be kept, and an error show its type and message. The
 * screenshot it takes is the README's (copied there with
 * UPDATE_README_SCREENSHOT=1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { launchBrowser } from '../helpers/browser';
import { startDevCli, type RunningDevServer } from '../../src/dev/dev-process';
import { REPO_ROOT } from '../helpers/project';

const SCREENSHOT = path.join(REPO_ROOT, '.tmp', 'chat-page.png');
const README_SCREENSHOT = path.join(REPO_ROOT, 'docs', 'chat-page.png');

/** What the page showed of the agent's answer over time: recorded in the page by a MutationObserver. */
interface Frame {
  readonly text: string;
  readonly pending: boolean;
}

describe('the chat page (npm run dev -- --mock-model --invoke-mode RESPONSE_STREAM)', () => {
  let server: RunningDevServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDevCli(['--mock-model', '--invoke-mode', 'RESPONSE_STREAM'], {}), launchBrowser()]);
    page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 760 });
    // The page may use nothing but the dev server: any other address fails the test.
    const elsewhere: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(server.url)) elsewhere.push(request.url());
    });
    await page.goto(`${server.url}/`);
    expect(elsewhere).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const ask = async (question: string) => {
    await page.type('#input', question);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.turn.assistant:last-child:not(.pending)') !== null, { timeout: 30_000 });
  };
  const lastAnswer = () => page.$eval('.turn.assistant:last-child', (el) => (el as HTMLElement).innerText);

  test('says the answers are canned, and how answers arrive', async () => {
    const notices = await page.$eval('#notices', (el) => (el as HTMLElement).innerText);
    expect(notices).toMatch(/Canned answers: the local mock model is answering/);
    expect(await page.$eval('#facts', (el) => el.textContent)).toMatch(/^streaming · up to 4 execution environments · conversation kept by this page/);
  });

  test('a question: text streams in before the answer completes, the tool call shows its input and result, then usage and cost', async () => {
    // Record every change to the answer's text, with whether the answer was still pending.
    await page.evaluate(() => {
      const frames: Frame[] = [];
      (window as unknown as { frames_: Frame[] }).frames_ = frames;
      new MutationObserver(() => {
        const turn = document.querySelector('.turn.assistant:last-child');
        if (!turn) return;
        const text = [...turn.querySelectorAll('.text')].map((span) => span.textContent).join('');
        if (frames.at(-1)?.text !== text) frames.push({ text, pending: turn.classList.contains('pending') });
      }).observe(document.getElementById('log')!, { subtree: true, childList: true, characterData: true });
    });
    await ask('What is 2^20?');
    const frames = await page.evaluate(() => (window as unknown as { frames_: Frame[] }).frames_);
    const final = frames.at(-1)!.text;
    const partial = frames.filter((frame) => frame.pending && frame.text.length > 0 && frame.text.length < final.length);
    // Many partial texts were on screen while the answer was still coming
    expect(partial.length).toBeGreaterThan(5);
    expect(final).toMatch(/Let me compute 2\^20\..*The tool answered this: 1048576/);

    const tool = await page.$eval('.turn.assistant:last-child .tool', (el) => ({
      summary: el.querySelector('summary')!.textContent,
      input: el.querySelector('.input')!.textContent,
      result: el.querySelector('.result')!.textContent,
    }));
    expect(tool.summary).toMatch(/^tool calculator · \d+ ms$/);
    expect(tool.input).toContain('"expression": "2^20"');
    expect(tool.result).toBe('result: 1048576');
    const usage = await page.$eval('.turn.assistant:last-child .usage', (el) => el.textContent);
    expect(usage).toMatch(/2 model calls · in \d+ · out \d+ · cache read 0 · cache write 0 tokens · \$0\.\d{6} · stop: end_turn/);
  });

  test('the conversation is kept: the next question goes with the earlier turns', async () => {
    await ask('And who are you?');
    expect(await lastAnswer()).toMatch(/question 2 of this conversation/);
  });

  test('an error shows its type and message', async () => {
    await page.$eval('#input', (el) => ((el as HTMLTextAreaElement).value = 'x'.repeat(16_001)));
    await page.keyboard.press('End');
    await page.focus('#input');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.turn.assistant:last-child.error') !== null, { timeout: 30_000 });
    expect(await lastAnswer()).toMatch(/invalid_request: `input` is 16001 characters; the limit is 16000\./);
  });

  test('the screenshot for the README', async () => {
    await page.click('#reset');
    await ask('What is 2^20?');
    await page.type('#input', 'What time is it?');
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    const png = fs.readFileSync(SCREENSHOT);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    if (process.env.UPDATE_README_SCREENSHOT === '1') fs.copyFileSync(SCREENSHOT, README_SCREENSHOT);
  });
});

describe('the chat page on a buffered dev server (the default)', () => {
  let server: RunningDevServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startDevCli(['--mock-model'], {}), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('says answers arrive whole, and shows the answer, its tool calls and usage when it is complete', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    expect(await page.$eval('#notices', (el) => (el as HTMLElement).innerText)).toMatch(/Buffered, the default: each answer arrives whole/);
    await page.type('#input', 'What is 2^20?');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('.turn.assistant:last-child:not(.pending)') !== null, { timeout: 30_000 });
    const answer = await page.$eval('.turn.assistant:last-child', (el) => (el as HTMLElement).innerText);
    expect(answer).toMatch(/The tool answered this: 1048576/);
    expect(answer).toMatch(/tool calculator · \d+ ms/);
    expect(answer).toMatch(/2 model calls · .* · stop: end_turn/);
  });
});
