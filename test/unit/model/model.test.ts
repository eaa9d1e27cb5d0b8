import { describe, expect, it, vi } from 'vitest'
import { generateIdentityKey } from '../../../src/crypto/keys.js'
import { BadSignatureError, ImplausibleEntryError, InvalidEntryError, MessageTooLargeError } from '../../../src/errors.js'
import { checkPlausible, createEntry, decodeBody, decodeEntry, decodeEntryFields, decodeSignedEntry, decodeStoredEntry, encodeBody, erasedForm, Entry, MAX_BODY_BYTES, MAX_ENTRY_BYTES, MAX_LAMPORT_LEAD, MAX_LAMPORT_PER_MS, MAX_TEXT_BYTES, MAX_WALL_TIME_LEAD_MS, SignedEntry } from '../../../src/model/index.js'
import type { EntryFields } from '../../../src/model/index.js'

const fields = (over: Partial<EntryFields> = {}): EntryFields => ({
  team: 'general',
  seq: 1,
  lamport: 1,
  wallTime: 1_700_000_000_000,
  epoch: 1,
  prev: new Uint8Array(0),
  body: new Uint8Array(encodeBody({ text: 'hello', authorName: 'alice' })),
  ...over
})

/** Re-sign-free tampering: decode, change the inner entry, re-encode with the old signature. */
function tamper (bytes: Uint8Array, change: (e: Entry) => Entry): Uint8Array {
  const signed = SignedEntry.decode(bytes)
  return SignedEntry.encode({ ...signed, entry: Entry.encode(change(Entry.decode(signed.entry))) })
}

describe('model', () => {
  it('round-trips a signed entry and derives the author and content id', async () => {
    const key = await generateIdentityKey()
    const made = await createEntry(key, fields())
    const back = await decodeEntry(made.bytes)
    expect(back.idHex).toBe(made.idHex)
    expect(back.idHex).toMatch(/^[0-9a-f]{64}$/)
    expect(back.entry.team).toBe('general')
    expect(decodeBody(back.entry.body)).toEqual({ text: 'hello', authorName: 'alice', urgent: false, replyTo: new Uint8Array(0), editOf: new Uint8Array(0), deleteOf: new Uint8Array(0) })
    expect(back.entry.epoch).toBe(1)
    const { peerIdFromPublicKey } = await import('@libp2p/peer-id')
    expect(back.author).toBe(peerIdFromPublicKey(key.publicKey).toString())
  })

  it('gives one id and one stored encoding whatever way the same signed entry is encoded: reordered, padded, with an extra field, in a larger buffer', async () => {
    const key = await generateIdentityKey()
    const made = await createEntry(key, fields({ body: new Uint8Array(encodeBody({ text: 'x'.repeat(300), authorName: 'alice' })) }))
    const signed = decodeSignedEntry(made.bytes)
    const field = (n: number, b: Uint8Array, pad = false): Buffer => {
      const len: number[] = []
      let v = b.length
      while (v >= 0x80) { len.push((v & 0x7f) | 0x80); v >>>= 7 }
      len.push(v)
      // a varint padded with a zero group: the same number, not the minimal encoding
      if (pad) { len[len.length - 1]! |= 0x80; len.push(0) }
      return Buffer.concat([Buffer.from([(n << 3) | 2, ...len]), b])
    }
    const canonical = Buffer.concat([field(1, signed.entry), field(2, signed.signature), field(3, signed.body)])
    expect(canonical.equals(made.bytes)).toBe(true)
    const variants = [
      Buffer.concat([field(3, signed.body), field(1, signed.entry), field(2, signed.signature)]),
      Buffer.concat([field(1, signed.entry, true), field(2, signed.signature), field(3, signed.body)]),
      Buffer.concat([field(1, signed.entry), field(2, signed.signature), field(3, signed.body, true)]),
      Buffer.concat([field(1, signed.entry), field(2, signed.signature), field(3, signed.body), field(9, new Uint8Array([1, 2]))]),
      Buffer.concat([field(1, new Uint8Array([9])), field(1, signed.entry), field(2, signed.signature), field(3, signed.body)]),
      Buffer.concat([field(1, signed.entry), field(2, signed.signature, true), field(3, signed.body)]),
      Buffer.concat([field(1, signed.entry), field(2, new Uint8Array(64)), field(2, signed.signature), field(3, signed.body)]),
      Buffer.concat([field(1, signed.entry), field(2, signed.signature), Buffer.from([0x1a, 0x00]), field(3, signed.body)]),
      Buffer.concat([field(1, signed.entry), field(2, signed.signature), field(3, new Uint8Array([7])), field(3, signed.body)])
    ]
    for (const bytes of variants) {
      const back = await decodeEntry(bytes)
      expect(back.idHex).toBe(made.idHex)
      expect(Buffer.from(back.bytes).equals(made.bytes)).toBe(true)
    }
    // the canonical bytes inside a larger buffer (as a network read gives them): the same, in place
    const big = Buffer.concat([Buffer.from('junk before'), made.bytes, Buffer.from('after')])
    const inPlace = big.subarray(11, 11 + made.bytes.length)
    const back = await decodeEntry(inPlace)
    expect(back.idHex).toBe(made.idHex)
    expect(back.bytes).toBe(inPlace)
    // canonical bytes are hashed as they are: not one encoding more (non-canonical ones re-encode)
    const encode = vi.spyOn(SignedEntry, 'encode')
    try {
      await decodeEntry(inPlace)
      decodeStoredEntry(made.bytes)
      expect(encode).not.toHaveBeenCalled()
      await decodeEntry(variants[0]!)
      expect(encode).toHaveBeenCalled()
    } finally {
      encode.mockRestore()
    }
    // erased (no body field): its id is still the hash of the signed fields and the signature
    const erased = erasedForm(made)!
    const bigErased = Buffer.concat([Buffer.from('x'), erased.bytes])
    const backErased = await decodeEntry(bigErased.subarray(1))
    expect(backErased.idHex).toBe(made.idHex)
    expect(backErased.erased).toBe(true)
    expect(decodeStoredEntry(erased.bytes).idHex).toBe(made.idHex)
    expect(decodeStoredEntry(made.bytes).idHex).toBe(made.idHex)
  })

  it('rejects a changed field, a swapped author and a flipped signature bit', async () => {
    const key = await generateIdentityKey()
    const other = await generateIdentityKey()
    const made = await createEntry(key, fields())
    await expect(decodeEntry(tamper(made.bytes, e => ({ ...e, seq: 2, prev: new Uint8Array(32) })))).rejects.toBeInstanceOf(BadSignatureError)
    await expect(decodeEntry(tamper(made.bytes, e => ({ ...e, lamport: 99 })))).rejects.toBeInstanceOf(BadSignatureError)
    await expect(decodeEntry(tamper(made.bytes, e => ({ ...e, author: new Uint8Array(other.publicKey.raw) })))).rejects.toBeInstanceOf(BadSignatureError)
    const signed = SignedEntry.decode(made.bytes)
    signed.signature[5]! ^= 0x80
    await expect(decodeEntry(SignedEntry.encode(signed))).rejects.toBeInstanceOf(BadSignatureError)
  })

  it('rejects bytes that are not an entry, with InvalidEntryError', async () => {
    await expect(decodeEntry(new Uint8Array([0xff, 0xff, 0xff]))).rejects.toBeInstanceOf(InvalidEntryError)
    await expect(decodeEntry(new Uint8Array(0))).rejects.toBeInstanceOf(InvalidEntryError)
  })

  it('checks the size before decoding', async () => {
    await expect(decodeEntry(new Uint8Array(MAX_ENTRY_BYTES + 1))).rejects.toBeInstanceOf(MessageTooLargeError)
  })

  it('refuses structurally wrong entries even when correctly signed', async () => {
    const key = await generateIdentityKey()
    await expect(createEntry(key, fields({ team: 'Bad Team' }))).rejects.toBeInstanceOf(InvalidEntryError)
    await expect(createEntry(key, fields({ seq: 0 }))).rejects.toBeInstanceOf(InvalidEntryError)
    await expect(createEntry(key, fields({ seq: 2 }))).rejects.toBeInstanceOf(InvalidEntryError) // seq 2 needs a prev id
    await expect(createEntry(key, fields({ lamport: 0 }))).rejects.toBeInstanceOf(InvalidEntryError)
    await expect(createEntry(key, fields({ epoch: 0 }))).rejects.toBeInstanceOf(InvalidEntryError) // no plaintext mode
    await expect(createEntry(key, fields({ body: new Uint8Array(MAX_BODY_BYTES + 2048) }))).rejects.toBeInstanceOf(MessageTooLargeError)
  })

  it('decodes entries on the hot path exactly as the generated codec does', async () => {
    const key = await generateIdentityKey()
    const made = await createEntry(key, fields({ seq: 7, lamport: 2 ** 40, prev: new Uint8Array(32).fill(9) }))
    const signed = SignedEntry.decode(made.bytes)
    // an unknown field of each wire type, as a newer build might add, and fields left out
    const unknown = Uint8Array.from([0xa0, 0x01, 0x96, 0x01, 0xaa, 0x01, 0x02, 0xab, 0xcd, 0xb5, 0x01, 1, 2, 3, 4, 0xb9, 0x01, 1, 2, 3, 4, 5, 6, 7, 8])
    const cases = [
      signed.entry,
      new Uint8Array([...signed.entry, ...unknown]),
      Entry.encode({ ...Entry.decode(signed.entry), team: '', body: new Uint8Array(0) }),
      new Uint8Array(0)
    ]
    for (const bytes of cases) expect(decodeEntryFields(bytes)).toEqual(Entry.decode(bytes))
    for (const bytes of [made.bytes, new Uint8Array([...made.bytes, ...unknown]), SignedEntry.encode({ entry: signed.entry, signature: new Uint8Array(0) })]) {
      expect(decodeSignedEntry(bytes)).toEqual(SignedEntry.decode(bytes))
    }
    // both refuse what does not parse
    for (const bad of [made.bytes.subarray(0, 20), Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f])]) {
      expect(() => SignedEntry.decode(bad)).toThrow()
      expect(() => decodeSignedEntry(bad)).toThrow()
    }
  })

  it('refuses clocks implausibly far ahead of the receiver\'s, at the stated bounds', () => {
    const now = 1_700_000_000_000
    const entry = (lamport: number, wallTime: number): Entry => ({ ...fields({ lamport, wallTime }), version: 1, author: new Uint8Array(32), bodyHash: new Uint8Array(0), editOf: new Uint8Array(0) })
    expect(() => { checkPlausible(entry(500 + MAX_LAMPORT_LEAD, now), 500, now) }).not.toThrow()
    expect(() => { checkPlausible(entry(501 + MAX_LAMPORT_LEAD, now), 500, now) }).toThrow(ImplausibleEntryError)
    expect(() => { checkPlausible(entry(Number.MAX_SAFE_INTEGER, now), 500, now) }).toThrow(ImplausibleEntryError)
    expect(() => { checkPlausible(entry(1, now + MAX_WALL_TIME_LEAD_MS), 500, now) }).not.toThrow()
    expect(() => { checkPlausible(entry(1, now + MAX_WALL_TIME_LEAD_MS + 1), 500, now) }).toThrow(ImplausibleEntryError)
    // the past is no bound: clocks differ, and history is old
    expect(() => { checkPlausible(entry(1, 0), 500, now) }).not.toThrow()
    // a node holding nothing (a newcomer, or one whose gap expired) takes what a team a day old may reach
    const dayOld = now - 86_400_000
    expect(() => { checkPlausible(entry(86_400_000 * MAX_LAMPORT_PER_MS + MAX_LAMPORT_LEAD, now), 0, now, dayOld) }).not.toThrow()
    expect(() => { checkPlausible(entry(86_400_000 * MAX_LAMPORT_PER_MS + MAX_LAMPORT_LEAD + 1, now), 0, now, dayOld) }).toThrow(ImplausibleEntryError)
    // a century-old team is still nowhere near 2^53 - 1
    expect(() => { checkPlausible(entry(Number.MAX_SAFE_INTEGER, now), 0, now, now - 100 * 365 * 86_400_000) }).toThrow(ImplausibleEntryError)
  })

  it('refuses text over the limit', () => {
    expect(() => encodeBody({ text: 'x'.repeat(MAX_TEXT_BYTES + 1), authorName: 'a' })).toThrow(MessageTooLargeError)
    expect(encodeBody({ text: 'x'.repeat(MAX_TEXT_BYTES), authorName: 'a' }).byteLength).toBeGreaterThan(MAX_TEXT_BYTES)
  })
})
