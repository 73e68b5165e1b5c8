// The pure layer: Telegram updates → what the bot does with them, and how texts are cut and escaped.
import { describe, expect, it } from 'vitest';
import {
  callbackQuery,
  commandMessage,
  contactMessage,
  documentMessage,
  locationMessage,
  myChatMember,
  photoMessage,
  supergroup,
  textMessage,
  voiceMessage,
} from '../../fakes/telegramClient.js';
import { toAction, parseGroupSenderId } from '../../../src/bot/telegram/updates.js';
import { escapeHtml, splitText } from '../../../src/bot/telegram/render.js';

const an = { id: 4242, first_name: 'An', last_name: 'Nguyễn' };
const group = supergroup(-1009998887776);
const inboundOf = (update: object) => {
  const a = toAction(update, { botUsername: 'test_bot' });
  if (a.kind !== 'inbound') throw new Error(`expected an inbound, got ${a.kind}`);
  return a;
};

describe('toAction', () => {
  it('turns a private text into one Inbound keyed by update_id', () => {
    const u = textMessage(an, 'Báo cáo');
    expect(inboundOf(u).inbound).toEqual({
      channel: 'telegram',
      updateId: String(u.update_id),
      senderId: '4242',
      chatId: '4242',
      chatType: 'private',
      senderName: 'An Nguyễn',
      content: { kind: 'text', text: 'Báo cáo' },
      sentAt: u.message.date * 1000,
    });
  });

  it('accepts a contact as the sender’s own only when Telegram says it is', () => {
    expect(inboundOf(contactMessage(an, '+84912000002')).inbound.content).toEqual({
      kind: 'contact',
      phone: '+84912000002',
      own: true,
    });
    expect(inboundOf(contactMessage(an, '0912000002', 1)).inbound.content).toMatchObject({ own: false });
    expect(inboundOf(contactMessage(an, '0912000002', null)).inbound.content).toMatchObject({ own: false });
  });

  it('keeps media as file_id with its metadata, the largest photo size, and locations', () => {
    const photo = photoMessage(an, { caption: 'Hiện trường' });
    expect(inboundOf(photo).inbound.content).toEqual({
      kind: 'media',
      media: {
        type: 'media',
        mediaType: 'photo',
        fileId: photo.message.photo[2]!.file_id,
        size: 160_000,
        caption: 'Hiện trường',
      },
    });
    const doc = documentMessage(an, { fileName: 'Đơn kiến nghị.pdf' });
    expect(inboundOf(doc).inbound.content).toMatchObject({
      media: {
        mediaType: 'document',
        fileName: 'Đơn kiến nghị.pdf',
        mimeType: 'application/pdf',
        size: 24_576,
      },
    });
    expect(inboundOf(voiceMessage(an, { duration: 5 })).inbound.content).toMatchObject({
      media: { mediaType: 'voice', mimeType: 'audio/ogg', size: 20_000 },
    });
    expect(inboundOf(locationMessage(an, 21.18, 106.07)).inbound.content).toEqual({
      kind: 'location',
      latitude: 21.18,
      longitude: 106.07,
    });
  });

  it('turns a press into a button Inbound and keeps the query id to answer', () => {
    const u = callbackQuery(an, 'f:3:o0', { message_id: 17 });
    expect(inboundOf(u)).toMatchObject({
      inbound: { senderId: '4242', chatId: '4242', content: { kind: 'button', data: 'f:3:o0' } },
      callbackQueryId: u.callback_query.id,
    });
    const inline = {
      update_id: 9,
      callback_query: { id: '77', from: { id: 4242, is_bot: false, first_name: 'An' }, chat_instance: '1' },
    };
    expect(toAction(inline)).toEqual({ kind: 'answer_only', callbackQueryId: '77' });
  });

  it('maps blocking and unblocking in a private chat to reachability', () => {
    expect(inboundOf(myChatMember(an, 'kicked')).inbound.content).toEqual({
      kind: 'reachability',
      reachable: false,
    });
    expect(inboundOf(myChatMember(an, 'member')).inbound.content).toEqual({
      kind: 'reachability',
      reachable: true,
    });
  });

  it('in groups, speaks for a (person, group) account and passes only commands meant for this bot', () => {
    const cmd = inboundOf(commandMessage(an, '/dangkynhom@test_bot', undefined, { chat: group }));
    expect(cmd.inbound).toMatchObject({ chatType: 'group', chatId: String(group.id) });
    expect(parseGroupSenderId(cmd.inbound.senderId)).toEqual({ userId: '4242', chatId: String(group.id) });
    expect(toAction(textMessage(an, 'chào cả nhóm', { chat: group })).kind).toBe('ignore');
    expect(
      toAction(commandMessage(an, '/start@other_bot', undefined, { chat: group }), {
        botUsername: 'test_bot',
      }).kind,
    ).toBe('ignore');
    expect(toAction(myChatMember(an, 'member', { chat: group }))).toMatchObject({
      kind: 'group_membership',
      change: 'joined',
    });
    expect(toAction(myChatMember(an, 'kicked', { chat: group }))).toMatchObject({
      kind: 'group_membership',
      change: 'left',
    });
  });

  it('ignores what it does not know instead of failing', () => {
    expect(toAction(null).kind).toBe('ignore');
    expect(toAction({ hello: 'world' }).kind).toBe('ignore');
    expect(toAction({ update_id: 1, message_reaction: {} }).kind).toBe('ignore');
    expect(toAction({ update_id: 2, message: { chat: { id: 1, type: 'private' } } }).kind).toBe('ignore');
    const pin = textMessage(an, 'x');
    const service = {
      update_id: pin.update_id,
      message: { ...pin.message, text: undefined, pinned_message: {} },
    };
    expect(toAction(service).kind).toBe('ignore');
    const live = { update_id: 3, edited_message: locationMessage(an).message };
    expect(toAction(live).kind).toBe('ignore');
    const edited = { update_id: 4, edited_message: textMessage(an, 'sửa lại').message };
    expect(inboundOf(edited).inbound.content).toEqual({ kind: 'unsupported', what: 'edited_message' });
  });
});

describe('text', () => {
  it('escapes the three characters Telegram’s HTML parser reserves', () => {
    expect(escapeHtml('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
  });

  it('cuts long texts between lines, a too-long line at a space, and never inside an emoji', () => {
    expect(splitText('ngắn')).toEqual(['ngắn']);
    expect(splitText('aaaa\nbbbb\ncccc', 9)).toEqual(['aaaa\nbbbb', 'cccc']);
    expect(splitText('một hai ba bốn năm', 8)).toEqual(['một hai', 'ba bốn', 'năm']);
    const emoji = `${'x'.repeat(7)}😀yy`;
    const parts = splitText(emoji, 8);
    expect(parts.join('')).toBe(emoji);
    expect(parts[0]).toBe('x'.repeat(7));
    expect(splitText('a\n\n\n\nb', 2)).toEqual(['a', 'b']);
  });
});
