/**
 * Robot Framework's messages as text: one marked `*HTML*` (Robot's way to say a message is HTML) read as the text a
 * person sees, and the message `rebot --merge` writes on a re-executed test (robot/result/merger.py) read back into
 * the test's earlier attempts:
 *
 *   *HTML* <span class="merge">Test has been re-executed and results merged.</span><hr>
 *   <span class="new-status">New status:</span> <span class="pass">PASS</span><br>
 *   <span class="new-message">New message:</span> …<br><hr>
 *   <span class="old-status">Old status:</span> <span class="fail">FAIL</span><br>
 *   <span class="old-message">Old message:</span> …<br>
 *
 * (merged again, the older results follow as more `Old status` parts, the most recent first). Older Robot versions
 * wrote `Re-executed test has been merged.`; `Task` replaces `Test` in RPA mode.
 */
import { nonEmpty } from '../text.js';

const HTML_MARKER = '*HTML*';
const MERGED = /^(?:test|task) has been re-executed and results merged\.|^re-executed (?:test|task) has been merged\./i;
const RERUN_SKIPPED = /^(?:test|task) has been re-executed and results merged\. Latter result had SKIP status/i;
const ADDED = /^(?:test|task) added from merged output\./i;
const PART_STATUS = /^(?:New|Old) status:\s*(PASS|FAIL|SKIP|NOT RUN)\b/im;
const PART_MESSAGE = /^(?:New|Old) message:[ \t]*/im;
const SEPARATOR = /<hr\s*\/?>/i;

/** One earlier result of a re-executed test, as rebot wrote it: Robot's status name and the message. */
interface EarlierResult {
  status: string;
  message?: string;
}

/** A message of rebot's merge: the test's own (latest) message, and its earlier results, oldest first. */
export interface MergedMessage {
  message?: string;
  earlier: EarlierResult[];
}

/** The text a person sees of a message: `*HTML*` ones without their markup. */
export function plainMessage(message: string): string | undefined {
  if (!message.startsWith(HTML_MARKER)) return nonEmpty(message);
  return nonEmpty(htmlToText(message.slice(HTML_MARKER.length)));
}

/**
 * The attempts rebot's merge message names, or undefined for any other message. A rerun that was skipped left the
 * earlier result in place (rebot ignores it and says so): no earlier attempt, the message as text.
 */
export function mergedAttempts(message: string): MergedMessage | undefined {
  if (!message.startsWith(HTML_MARKER)) return undefined;
  const parts = message.slice(HTML_MARKER.length).trim().split(SEPARATOR);
  const head = htmlToText(parts[0] ?? '');
  if (ADDED.test(head)) return { ...optionalMessage(nonEmpty(htmlToText(parts.slice(1).join('\n')))), earlier: [] };
  if (!MERGED.test(head)) return undefined;
  if (RERUN_SKIPPED.test(head)) return { ...optionalMessage(plainMessage(message)), earlier: [] };
  const results = parts.slice(1).map((part) => resultOf(htmlToText(part)));
  const latest = results[0];
  const earlier = results.slice(1).filter((r): r is EarlierResult => r !== undefined);
  return { ...optionalMessage(latest?.message), earlier: earlier.reverse() };
}

function resultOf(text: string): EarlierResult | undefined {
  const status = PART_STATUS.exec(text);
  if (status === null) return undefined;
  const messageAt = PART_MESSAGE.exec(text);
  const message = messageAt === null ? undefined : nonEmpty(text.slice(messageAt.index + messageAt[0].length));
  return message === undefined ? { status: (status[1] as string).toUpperCase() } : { status: (status[1] as string).toUpperCase(), message };
}

function optionalMessage(message: string | undefined): { message?: string } {
  return message === undefined ? {} : { message };
}

/** Markup removed, `<br>` and `<hr>` as line breaks, Robot's escapes (`&lt;`, `&gt;`, `&amp;`, `&quot;`) decoded. */
function htmlToText(html: string): string {
  return html
    .replace(/<(?:br|hr)\s*\/?>/gi, '\n')
    .replace(/<[^<>]*>/g, '')
    .replace(/&(lt|gt|quot|#39|apos|amp);/g, (_, name: string) => ENTITIES.get(name) ?? '');
}

const ENTITIES = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['#39', "'"],
  ['apos', "'"],
  ['amp', '&'],
]);
