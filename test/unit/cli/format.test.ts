import { describe, expect, it } from 'vitest'
import { formatMessage } from '../../../src/cli/format.js'
import type { MessageView } from '../../../src/events.js'

const base: MessageView = { id: 'ff', team: 'general', author: '12D3KooWMallory', authorName: 'Mallory', seq: 2, lamport: 2, time: 0, text: 'I approve EUR 50,000', urgent: false, local: false, readable: true, epoch: 1 }

describe('cli/format', () => {
  it('prints a message as its text, and a forked one as both versions in the order every node shows', () => {
    expect(formatMessage(base)).toMatch(/Mallory \(.*\): I approve EUR 50,000$/)
    const forked = formatMessage({ ...base, forker: true, forked: { otherId: '0a', versions: [{ id: '0a', text: 'I approve EUR 5,000\u001b[2J', readable: true }, { id: 'ff', text: 'I approve EUR 50,000', readable: true }] } })
    expect(forked.split('\n').slice(1)).toEqual(['    1) I approve EUR 5,000\uFFFD[2J', '    2) I approve EUR 50,000'])
    expect(forked.split('\n')[0]).toMatch(/: ⚠ two versions signed by Mallory:$/)
  })
})
