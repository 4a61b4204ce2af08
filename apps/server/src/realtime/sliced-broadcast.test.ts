import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { textFrame } from './sliced-broadcast.js';

const { Sender } = createRequire(import.meta.url)('ws') as {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
};

/** ws's own frame, as socket.io-adapter builds it for a pre-encoded broadcast. */
const wsFrame = (payload: Buffer) =>
  Buffer.concat(Sender.frame(payload, { readOnly: false, mask: false, rsv1: false, opcode: 1, fin: true }));

describe('textFrame', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])('matches ws for a %d-byte payload', (length) => {
    const payload = Buffer.alloc(length, 'x');
    expect(textFrame(payload).equals(wsFrame(payload))).toBe(true);
  });
});
