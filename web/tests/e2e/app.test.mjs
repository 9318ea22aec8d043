// The web app end to end: real chat-local, real Chromium, people clicking and typing.
// The tests run in order and build on each other (the same users and conversations).

import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { deflateSync } from "node:zlib";
import { launchBrowser, PASSWORD, startChatLocal, within } from "./harness.mjs";

const OUT = resolve(import.meta.dirname, "../../test-results");
const SHOTS = join(OUT, "screenshots");
const measured = {};
let server;
let browser;
const people = {};
/** What the pages said was refused by the content security policy or threw. */
const pageProblems = [];

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // The first admin comes from the command line, as in a real deployment; the provider is
  // opened by that admin in the app.
  server = await startChatLocal([{ username: "root", role: "admin" }]);
  browser = await launchBrowser();
});

after(async () => {
  writeFileSync(join(OUT, "measurements.json"), JSON.stringify(measured, null, 2));
  await browser?.close();
  await server?.stop();
});

async function person(name, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on("pageerror", (error) => pageProblems.push(`[${name}] ${error}`));
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
      pageProblems.push(`[${name}] ${message.text()}`);
    }
  });
  await page.goto(server.base);
  people[name] = { context, page };
  return { context, page };
}

async function fillCredentials(page, username) {
  await page.getByLabel("Username", { exact: true }).fill(username);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
}

async function signUp(page, username, displayName) {
  await fillCredentials(page, username);
  await page.getByLabel("Display name (for signing up)").fill(displayName);
  await page.getByRole("button", { name: "Sign up", exact: true }).click();
  await page.getByRole("list", { name: "Conversations" }).waitFor({ state: "attached" });
}

async function logIn(page, username) {
  await fillCredentials(page, username);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await page.getByRole("list", { name: "Conversations" }).waitFor({ state: "attached" });
}

const conversations = (page) => page.getByRole("list", { name: "Conversations" });
const messages = (page) => page.getByRole("list", { name: "Messages" });
/** The texts of the messages on screen, in order (pending sends included). */
const messageTexts = (page) => messages(page).locator("li.message .text").allTextContents();

async function openConversation(page, title) {
  await conversations(page).getByRole("button", { name: title }).click();
  await messages(page).waitFor();
}

async function send(page, text) {
  await page.getByRole("textbox", { name: "Message", exact: true }).fill(text);
  await page.getByRole("textbox", { name: "Message", exact: true }).press("Enter");
}

function messageItem(page, text) {
  return messages(page).locator("li.message").filter({ hasText: text });
}

async function connected(page) {
  await within(10_000, "the app says it is connected", async () =>
    /^Connected/.test((await page.getByRole("status").first().textContent()) ?? ""),
  );
}

test("two people sign up, open a direct chat and exchange messages within a second", async () => {
  const { page: ann } = await person("ann");
  await signUp(ann, "ann", "Ann");
  const { page: bob } = await person("bob");
  await signUp(bob, "bob", "Bob");
  await connected(ann);
  await connected(bob);

  await ann.getByRole("button", { name: "New direct chat" }).click();
  await ann.getByLabel("Their username").fill("bob");
  await ann.getByRole("button", { name: "Start chat" }).click();
  await messages(ann).waitFor();
  // The new chat reaches Bob by its event, without a reload.
  await within(2000, "Bob's list shows the chat with Ann", () =>
    conversations(bob).getByRole("button", { name: "Ann" }).isVisible(),
  );
  await openConversation(bob, "Ann");

  const latencies = [];
  for (const [from, to, text] of [
    [ann, bob, "Hi Bob, it's Ann"],
    [bob, ann, "Hello Ann!"],
    [ann, bob, "How are you?"],
  ]) {
    await send(from, text);
    const started = Date.now();
    await messageItem(to, text).waitFor({ timeout: 1000 });
    latencies.push(Date.now() - started);
    // Sent, not pending, on the sender's side.
    await within(1000, "the sender's copy is confirmed", async () =>
      (await from.locator("li.message.pending").count()) === 0,
    );
  }
  measured.message_latency_ms = latencies;

  // Typing shows on the other side while it happens; presence shows who is online.
  await bob.getByRole("textbox", { name: "Message", exact: true }).pressSequentially("I am wri");
  await ann.getByText("Bob is typing…").waitFor({ timeout: 1000 });
  await bob.getByRole("textbox", { name: "Message", exact: true }).fill("");
  await ann.getByText(/online: Bob/).waitFor();
  assert.deepEqual(await messageTexts(bob), ["Hi Bob, it's Ann", "Hello Ann!", "How are you?"]);
  assert.deepEqual(await messageTexts(ann), await messageTexts(bob));
  await ann.screenshot({ path: join(SHOTS, "desktop-first-messages.png") });
});

test("a send whose answer is lost is retried with the same client_msg_id and shows once", async () => {
  const { page: ann } = people.ann;
  const { page: bob } = people.bob;
  const sent = [];
  await ann.route("**/groups/*/messages", async (route) => {
    const request = route.request();
    if (request.method() !== "POST") return route.continue();
    sent.push(JSON.parse(request.postData() ?? "{}"));
    if (sent.length > 1) return route.continue();
    // The server gets and stores the first attempt; its answer never reaches the app.
    await route.fetch();
    return route.abort("connectionreset");
  });
  await send(ann, "Sent once, whatever happens");
  await within(5000, "Ann's send is confirmed", async () =>
    sent.length === 2 && (await ann.locator("li.message.pending").count()) === 0,
  );
  await ann.unroute("**/groups/*/messages");
  assert.equal(sent[0].client_msg_id, sent[1].client_msg_id);
  await messageItem(bob, "Sent once, whatever happens").waitFor({ timeout: 1000 });
  assert.equal(await messageItem(bob, "Sent once, whatever happens").count(), 1);
  assert.equal(await messageItem(ann, "Sent once, whatever happens").count(), 1);
});

test("a second device of the same person sees the conversation and new messages live", async () => {
  const { page: ann2 } = await person("ann2");
  await logIn(ann2, "ann");
  await connected(ann2);
  await openConversation(ann2, "Bob");
  assert.deepEqual(await messageTexts(ann2), await messageTexts(people.bob.page));

  await send(people.bob.page, "Both your devices get this");
  await messageItem(ann2, "Both your devices get this").waitFor({ timeout: 1000 });
  await messageItem(people.ann.page, "Both your devices get this").waitFor({ timeout: 1000 });
});

test("a reload keeps the session and the history", async () => {
  const { page: ann } = people.ann;
  await ann.reload();
  await conversations(ann).waitFor({ state: "attached" });
  await openConversation(ann, "Bob");
  await messageItem(ann, "Both your devices get this").waitFor({ timeout: 2000 });
  assert.deepEqual(await messageTexts(ann), await messageTexts(people.bob.page));
});

test("without the live channel the app long-polls, and messages still arrive at once", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  // A network that refuses WebSockets: every live connection is closed as it opens.
  await context.routeWebSocket(/\/live\?ticket=/, (socket) => socket.close());
  const page = await context.newPage();
  await page.goto(server.base);
  await logIn(page, "bob");
  await within(10_000, "the app falls back to long-polling", async () =>
    ((await page.getByRole("status").first().textContent()) ?? "") === "Connected (polling)",
  );
  await openConversation(page, "Ann");
  await send(people.ann.page, "Polled, not pushed");
  const started = Date.now();
  await messageItem(page, "Polled, not pushed").waitFor({ timeout: 2000 });
  measured.long_poll_latency_ms = Date.now() - started;
  await context.close();
});

test("a device that was offline catches up with no gap and no duplicate", async () => {
  const { page: bob, context: bobContext } = people.bob;
  const { page: ann } = people.ann;
  await bobContext.setOffline(true);
  await within(5000, "Bob's app says it is offline", async () =>
    /Offline|lost/.test((await bob.getByRole("status").first().textContent()) ?? ""),
  );
  const missed = ["While you were away 1", "While you were away 2", "While you were away 3"];
  for (const text of missed) {
    await send(ann, text);
    await within(2000, "Ann's send is confirmed", async () =>
      (await ann.locator("li.message.pending").count()) === 0 &&
      (await messageItem(ann, text).count()) === 1,
    );
  }
  assert.equal(await messageItem(bob, missed[0]).count(), 0);
  const started = Date.now();
  await bobContext.setOffline(false);
  await messageItem(bob, missed[2]).waitFor({ timeout: 10_000 });
  measured.offline_catch_up_ms = Date.now() - started;
  await connected(bob);
  const texts = await messageTexts(bob);
  assert.deepEqual(texts, await messageTexts(ann));
  assert.equal(new Set(texts).size, texts.length, "no message shown twice");
});

test("edit, delete, react and attach an image", async () => {
  const { page: ann } = people.ann;
  const { page: bob } = people.bob;

  await send(ann, "A typo hree");
  await messageItem(bob, "A typo hree").waitFor({ timeout: 1000 });
  await messageItem(ann, "A typo hree").getByRole("button", { name: "Edit" }).click();
  await ann.getByRole("textbox", { name: "Edit message" }).fill("A typo here, fixed");
  await ann.getByRole("button", { name: "Save" }).click();
  await messageItem(bob, "A typo here, fixed").getByText("(edited)").waitFor({ timeout: 1000 });

  await send(ann, "This one goes away");
  await messageItem(bob, "This one goes away").waitFor({ timeout: 1000 });
  await messageItem(ann, "This one goes away").getByRole("button", { name: "Delete" }).click();
  await within(1000, "Bob sees the message deleted", async () =>
    (await messageItem(bob, "This one goes away").count()) === 0 &&
    (await messages(bob).getByText("This message was deleted.").count()) === 1,
  );

  await messageItem(bob, "A typo here, fixed").getByRole("button", { name: "React" }).click();
  await bob.getByRole("button", { name: "React 👍" }).click();
  await messageItem(ann, "A typo here, fixed")
    .getByRole("button", { name: "👍 1" })
    .waitFor({ timeout: 1000 });

  await messageItem(bob, "Hi Bob, it's Ann").getByRole("button", { name: "Reply" }).click();
  await send(bob, "Replying to your first");
  await messageItem(ann, "Replying to your first")
    .locator("blockquote", { hasText: "Hi Bob, it's Ann" })
    .waitFor({ timeout: 1000 });

  await ann.getByLabel("Attach file").setInputFiles({
    name: "square.png",
    mimeType: "image/png",
    buffer: png(240, 140),
  });
  await send(ann, "A picture");
  const image = messageItem(bob, "A picture").getByRole("img", { name: "square.png" });
  await image.waitFor({ timeout: 3000 });
  await within(3000, "the image loads in Bob's browser", () =>
    image.evaluate((img) => img.complete && img.naturalWidth === 240),
  );
  await bob.screenshot({ path: join(SHOTS, "desktop-conversation.png") });
});

test("a provider runs the timer and charges an authorized member; both see the balances", async () => {
  const { page: bob } = people.bob;
  const { page: root } = await person("root");
  await logIn(root, "root");
  await root.getByRole("button", { name: "Wallet" }).click();
  await root.getByLabel("Username to credit").fill("bob");
  await root.getByLabel("Amount (cents)").fill("5000");
  await root.getByRole("button", { name: "Credit", exact: true }).click();
  await root.getByText("Username to credit").waitFor();
  await root.getByLabel("New account's username").fill("tutor");
  await root.getByLabel("New account's password").fill(PASSWORD);
  await root.getByLabel("Role").selectOption("provider");
  await root.getByRole("button", { name: "Open account" }).click();
  await root.getByText("Opened tutor (provider).").waitFor();

  await bob.getByRole("button", { name: "Wallet" }).click();
  const bobBalances = bob.getByRole("list", { name: "Balances" });
  await bobBalances.getByText("50.00").waitFor({ timeout: 2000 });
  await bob.getByLabel("Provider's username").fill("tutor");
  await bob.getByLabel("Up to (cents)").fill("3000");
  await bob.getByRole("button", { name: "Authorize" }).click();
  await bob.getByRole("list", { name: "Authorizations" }).getByText("30.00").first().waitFor();

  const { page: tutor } = await person("tutor");
  await logIn(tutor, "tutor");
  await tutor.getByRole("button", { name: "New group" }).click();
  await tutor.getByLabel("Group name").fill("Lesson");
  await tutor.getByLabel("Members' usernames (comma separated)").fill("bob");
  await tutor.getByRole("button", { name: "Create group" }).click();
  await messages(tutor).waitFor();
  await tutor.getByLabel("Rate per minute (cents)").fill("100");
  await tutor.getByRole("button", { name: "Start timer" }).click();

  // Bob sees the clock tick in the group.
  await bob.getByRole("button", { name: "Wallet" }).click();
  await within(2000, "Bob's list shows the group", () =>
    conversations(bob).getByRole("button", { name: "# Lesson" }).isVisible(),
  );
  await openConversation(bob, "# Lesson");
  const clock = bob.getByRole("timer", { name: "Elapsed time" });
  const first = await clock.textContent();
  await within(3000, "Bob's clock moves on", async () => (await clock.textContent()) !== first);
  await bob.getByText("€1.00 per minute").waitFor();
  await tutor.getByRole("textbox", { name: "Message", exact: true }).fill("Timer's on: 1 € a minute, as agreed");
  await tutor.getByRole("textbox", { name: "Message", exact: true }).press("Enter");
  await messageItem(bob, "Timer's on").waitFor({ timeout: 1000 });
  await bob.setViewportSize({ width: 390, height: 844 });
  await bob.screenshot({ path: join(SHOTS, "phone-timer.png") });
  await bob.setViewportSize({ width: 1280, height: 800 });

  await tutor.getByRole("button", { name: "Stop timer" }).click();
  await within(2000, "Bob sees the timer stopped", async () =>
    (await bob.locator(".timer").textContent()).includes("stopped"),
  );
  await tutor.getByLabel("Member to charge").selectOption({ label: "Bob" });
  await tutor.getByRole("button", { name: "Charge for the time" }).click();
  await tutor.getByText("Charged Bob").waitFor({ timeout: 2000 });

  await bob.getByRole("button", { name: "Wallet" }).click();
  await bobBalances.getByText("49.00").waitFor({ timeout: 2000 });
  await tutor.getByRole("button", { name: "Wallet" }).click();
  await tutor.getByRole("list", { name: "Balances" }).getByText("1.00").waitFor({ timeout: 2000 });
  await bob.screenshot({ path: join(SHOTS, "desktop-wallet.png") });
});

test("an owner adds a member, renames the group and removes the member; lists follow live", async () => {
  const { page: tutor } = people.tutor;
  const { page: ann } = people.ann;
  // From the wallet back to the group.
  await tutor.getByRole("button", { name: "Wallet" }).click();
  await tutor.getByRole("button", { name: "Members" }).click();
  await tutor.getByLabel("Username to add").fill("ann");
  await tutor.getByRole("button", { name: "Add member" }).click();
  await conversations(ann).getByRole("button", { name: "# Lesson" }).waitFor({ timeout: 2000 });
  await tutor.getByLabel("Group name").fill("Lesson one");
  await tutor.getByRole("button", { name: "Rename group" }).click();
  await conversations(ann).getByRole("button", { name: "# Lesson one" }).waitFor({ timeout: 2000 });
  await conversations(people.bob.page)
    .getByRole("button", { name: "# Lesson one" })
    .waitFor({ timeout: 2000 });
  await tutor.getByRole("button", { name: "Remove Ann" }).click();
  await within(2000, "the group leaves Ann's list", async () =>
    (await conversations(ann).getByRole("button", { name: "# Lesson one" }).count()) === 0,
  );
});

test("a blocked person's send is refused and shown as not sent; after the unblock its retry goes through", async () => {
  const { page: bob } = people.bob;
  const { page: ann } = people.ann;
  await bob.getByRole("button", { name: "Wallet" }).click();
  await openConversation(bob, "Ann");
  await bob.getByRole("button", { name: "Members" }).click();
  await bob.getByRole("button", { name: "Block Ann" }).click();
  await bob.getByRole("alert").getByText("Ann is blocked").waitFor();
  await bob.getByRole("button", { name: "Dismiss" }).click();

  await send(ann, "Can you hear me?");
  const refused = ann.locator("li.message.failed", { hasText: "Can you hear me?" });
  await refused.getByText("Not sent").waitFor({ timeout: 2000 });

  await bob.getByText("Blocked people").click();
  await bob.getByRole("button", { name: "Unblock Ann" }).click();
  await bob.getByText("Nobody.").waitFor();
  await refused.getByRole("button", { name: "Retry" }).click();
  await messageItem(bob, "Can you hear me?").waitFor({ timeout: 2000 });
  assert.equal(await ann.locator("li.message.failed").count(), 0);
  assert.equal(await messageItem(ann, "Can you hear me?").count(), 1);
  // Bob looks at his wallet again: what Ann sends now stays unread.
  await bob.getByRole("button", { name: "Wallet" }).click();
});

test("on a phone-sized screen the list and the conversation take turns", async () => {
  const { page } = await person("ann-phone", { width: 390, height: 844 });
  await logIn(page, "ann");
  await page.screenshot({ path: join(SHOTS, "phone-conversations.png") });
  await openConversation(page, "Bob");
  assert.equal(await conversations(page).isVisible(), false);
  await messageItem(page, "A picture").waitFor();
  await page.screenshot({ path: join(SHOTS, "phone-conversation.png") });
  await page.getByRole("button", { name: "← Conversations" }).click();
  assert.equal(await conversations(page).isVisible(), true);
});

test("log out ends the session; log out everywhere ends the other devices too", async () => {
  const { page: ann } = people.ann;
  const { page: ann2 } = people.ann2;
  await ann2.getByRole("button", { name: "Log out", exact: true }).click();
  await ann2.getByRole("button", { name: "Log in", exact: true }).waitFor();
  await logIn(ann2, "ann");
  await ann2.getByRole("button", { name: "Log out everywhere" }).click();
  await ann2.getByRole("button", { name: "Log in", exact: true }).waitFor();
  // Ann's other device hears its session end on the live channel.
  await ann.getByRole("button", { name: "Log in", exact: true }).waitFor({ timeout: 3000 });
  await ann.reload();
  await ann.getByRole("button", { name: "Log in", exact: true }).waitFor();
});

test("unread counts grow while away; history loads page by page as one scrolls up", async () => {
  const { page: bob } = people.bob;
  // Ann, from another app, sends more than a page of messages.
  const api = async (method, path, body, token) => {
    const answer = await fetch(server.base + path, {
      method,
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body && JSON.stringify(body),
    });
    assert.ok(answer.ok, `${method} ${path}: ${answer.status}`);
    return answer.json();
  };
  const { token } = await api("POST", "/sessions", { username: "ann", password: PASSWORD });
  const { groups } = await api("GET", "/groups", undefined, token);
  const direct = groups.find((group) => group.kind === "direct");
  const burst = Array.from({ length: 60 }, (_, n) => `Burst ${String(n + 1).padStart(2, "0")}`);
  for (const text of burst) {
    await api("POST", `/groups/${direct.id}/messages`, { text, client_msg_id: text }, token);
  }
  // Bob is looking at his wallet: the chat's unread count grows live.
  await conversations(bob)
    .getByRole("button", { name: /Ann.*60 unread/ })
    .waitFor({ timeout: 3000 });

  const { page: bob2 } = await person("bob2");
  await logIn(bob2, "bob");
  await conversations(bob2).getByRole("button", { name: /Ann.*60 unread/ }).waitFor();
  await openConversation(bob2, "Ann");
  await messageItem(bob2, "Burst 60").waitFor();
  const firstPage = await messageTexts(bob2);
  assert.ok(firstPage.length <= 50, `one page at first, not ${firstPage.length}`);
  const list = messages(bob2);
  for (let pages = 0; pages < 10; pages++) {
    if (await list.getByText("The beginning of the conversation.").isVisible()) break;
    await list.evaluate((element) => element.scrollTo(0, 0));
    await bob2.waitForTimeout(300);
  }
  await list.getByText("The beginning of the conversation.").waitFor();
  const everything = await messageTexts(bob2);
  assert.equal(everything[0], "Hi Bob, it's Ann");
  assert.deepEqual(everything.slice(-60), burst);
  assert.equal(new Set(everything).size, everything.length, "no message twice");
  // Having read to the bottom, the read mark moved: no unread count left.
  await within(3000, "the unread count is gone", async () =>
    (await conversations(bob2).getByRole("button", { name: /unread/ }).count()) === 0,
  );
});

test("no page threw or had anything refused by its content security policy", () => {
  assert.deepEqual(pageProblems, []);
});

/** A small valid PNG: a square of one colour. */
function png(width, height) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  // A gradient, so that the screenshots show something.
  const rows = Array.from({ length: height }, (_, y) =>
    Buffer.from([
      0,
      ...Array.from({ length: width }, (_, x) => [
        Math.round((x * 255) / width),
        Math.round((y * 255) / height),
        200,
      ]).flat(),
    ]),
  );
  const pixels = deflateSync(Buffer.concat(rows));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", pixels),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
