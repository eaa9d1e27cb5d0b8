/**
 * Running the office with real nodes in one process (loopback, static peers, no mDNS): suspension
 * and resume reaching every node, an offline member learning of a suspension, a revoked invite
 * refused at join, an announcement team, the org log over the control API's node methods.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { encrypt } from '../../src/crypto/box.js'
import { InviteError, NotMemberError } from '../../src/errors.js'
import { createEntry, encodeBody } from '../../src/model/index.js'
import { topicOfTeam } from '../../src/net/topics.js'
import { bodyContext } from '../../src/teams/team-keys.js'
import { Fixture, nextEvent, waitFor } from '../helpers/nodes.js'
import type { VerifiedEntry } from '../../src/model/index.js'
import type { ParleyLibp2p } from '../../src/net/libp2p-node.js'
import type { ParleyNode } from '../../src/node.js'
import type { EntryLog } from '../../src/store/entry-log.js'
import type { Identity } from '../../src/store/identity-file.js'
import type { Org } from '../../src/teams/org.js'
import type { TeamKeyring } from '../../src/teams/team-keys.js'

/** White-box access, to play an attacker who holds a node's keys and to look at what a node stored. */
interface Internals { org: Org, log: EntryLog, libp2p: ParleyLibp2p, identity: Identity }
const internals = (n: ParleyNode): Internals => n as unknown as Internals

/**
 * An entry `author` signs in `team` with the team key it holds, skipping every check its own node
 * makes before signing: what a modified client would send.
 */
async function handMade (author: ParleyNode, team: string, text: string): Promise<VerifiedEntry> {
  const { org, log, identity } = internals(author)
  const keyring = (org as unknown as { keyring: TeamKeyring }).keyring
  const epoch = org.state.teams.get(team)!.current.epoch
  const key = keyring.key(team, epoch)!
  const head = await log.feedHead(team, author.peerId)
  const seq = (head?.entry.seq ?? 0) + 1
  return createEntry(identity.key, {
    team,
    seq,
    lamport: (await log.lamport(team)) + 1,
    wallTime: Date.now(),
    epoch,
    prev: head === undefined ? new Uint8Array(0) : new Uint8Array(head.id),
    body: new Uint8Array(encrypt(key, encodeBody({ text, authorName: author.name }), bodyContext(team, epoch, author.peerId, seq)))
  })
}

describe('office: suspension, invites under control, announcement teams', () => {
  const fx = new Fixture()
  afterEach(async () => { await fx.cleanup() })

  it('a suspension reaches every node, cuts the account off and refuses its posts; resume brings it back with what was written meanwhile', async () => {
    const [admin, stays, away] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    await admin.suspendMember(away.peerId, 'on leave')
    await waitFor(() => stays.members().find(m => m.peerId === away.peerId)?.suspended !== undefined, 10_000, 'the suspension reaches the others')
    // kept in the directory, marked
    expect(stays.members().find(m => m.peerId === away.peerId)?.suspended).toMatchObject({ by: admin.peerId, reason: 'on leave' })
    await waitFor(() => away.info().suspended !== undefined, 10_000, 'the suspended node learns of it')
    await waitFor(() => away.peers().length === 0, 10_000, 'the suspended node is cut off')
    await expect(away.send('general', 'still here?')).rejects.toBeInstanceOf(NotMemberError)
    expect(away.joinedTeams()).toEqual([])

    const arrival = nextEvent(stays, 'message:added', m => m.text === 'written meanwhile')
    await admin.send('general', 'written meanwhile')
    await arrival

    await admin.resumeMember(away.peerId)
    // the resumed node is let in again (nobody dials it by hand): it learns of its resume from whoever it reaches first
    await waitFor(() => away.info().suspended === undefined && away.joinedTeams().includes('general'), 10_000, 'the resume reaches the node')
    await waitFor(async () => (await away.history('general', { limit: 20 })).messages.some(m => m.text === 'written meanwhile' && m.readable), 15_000, 'what was written meanwhile reaches and opens')
    const back = nextEvent(stays, 'message:added', m => m.text === 'back again')
    await away.send('general', 'back again')
    expect((await back).readable).toBe(true)
  })

  it('an offline member returns and learns of a suspension, and refuses the suspended account\'s connection', async () => {
    const [admin, offline, suspended] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const dir = offline.dataDir
    await offline.stop()
    await admin.suspendMember(suspended.peerId)
    const back = await fx.node({ dataDir: dir, peers: [admin.info().addresses[0]!] })
    await waitFor(() => back.members().find(m => m.peerId === suspended.peerId)?.suspended !== undefined, 10_000, 'the returning node learns of the suspension')
    expect(back.teams().find(t => t.name === 'general')?.epoch).toBe(admin.teams().find(t => t.name === 'general')?.epoch)
    // and it refuses the connection of the suspended node itself
    await suspended.dial(back.info().addresses[0]!).catch(() => {}) // refused either way
    await waitFor(() => !back.peers().some(p => p.peerId === suspended.peerId), 10_000, 'suspended node refused')
  })

  it('a revoked invite is refused at join, by any admin; the list says who made and used each', async () => {
    const [admin, second] = await fx.office(2) as [ParleyNode, ParleyNode]
    await admin.addAdmin(second.peerId)
    await waitFor(() => second.info().org?.admin === true, 10_000, 'second is an admin')
    const { token } = await admin.invite({ expires: '1h' })
    const made = admin.invites().find(i => i.status === 'pending')!
    expect(made).toMatchObject({ issuer: admin.peerId, issuerName: 'admin' })
    await admin.revokeInvite(made.id.slice(0, 12))
    await waitFor(() => second.invites().some(i => i.id === made.id && i.status === 'revoked'), 10_000, 'the revocation reaches the other admin')
    // the joiner reaches only the second admin: refused there too
    const joiner = await fx.node({ peers: [second.info().addresses[0]!] })
    await expect(joiner.join(token, 'joiner')).rejects.toBeInstanceOf(InviteError)
    expect(admin.members().map(m => m.peerId)).not.toContain(joiner.peerId)
    const used = admin.invites().filter(i => i.status === 'used')
    expect(used.map(i => i.usedBy)).toContain(second.peerId)
  })

  it('an announcement team: members read the admin\'s posts, their own posts are refused at their node, the log records it all', async () => {
    const [admin, member] = await fx.office(2) as [ParleyNode, ParleyNode]
    await admin.createAnnounceTeam('news', [member.peerId])
    await waitFor(() => member.joinedTeams().includes('news'), 10_000, 'news reaches the member')
    await waitFor(() => member.teams().find(t => t.name === 'news')?.announce === true, 10_000, 'news is an announcement team')
    const arrival = nextEvent(member, 'message:added', m => m.text === 'all hands at ten')
    await admin.send('news', 'all hands at ten')
    expect((await arrival).readable).toBe(true)
    await expect(member.send('news', 'me too')).rejects.toThrow(/announcement team/)
    await admin.setTeamPosters('news', [member.peerId])
    await waitFor(() => member.teams().find(t => t.name === 'news')?.posters?.includes(member.peerId) === true, 10_000, 'posters reach the member')
    await waitFor(() => member.joinedTeams().includes('news') && member.teams().find(t => t.name === 'news')?.epoch === admin.teams().find(t => t.name === 'news')?.epoch, 10_000, 'the new epoch reaches the member')
    const posted = nextEvent(admin, 'message:added', m => m.text === 'from a poster')
    await member.send('news', 'from a poster')
    expect((await posted).readable).toBe(true)
    const acts = admin.orgLog().map(e => e.act)
    expect(acts).toEqual(expect.arrayContaining(['founded', 'team-created', 'team-posters', 'joined']))
  })

  it('a member who skips its own node\'s check cannot post in an announcement team: every node refuses the entry', async () => {
    const [admin, reader, mallory] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    await admin.createAnnounceTeam('news', [reader.peerId, mallory.peerId])
    await waitFor(() => [reader, mallory].every(n => n.joinedTeams().includes('news') && n.teams().find(t => t.name === 'news')?.epoch === admin.teams().find(t => t.name === 'news')?.epoch), 10_000, 'news reaches the members')
    await waitFor(() => internals(mallory).libp2p.services.pubsub.getSubscribers(topicOfTeam(admin.info().org!.id, 'news')).length >= 2, 10_000, 'the others subscribe to news')
    const forged = await handMade(mallory, 'news', 'the office is closed tomorrow')
    const refused = nextEvent(admin, 'entry:rejected', r => r.reason === 'NotMemberError' && /announcement team/.test(r.message))
    await internals(mallory).libp2p.services.pubsub.publish(topicOfTeam(admin.info().org!.id, 'news'), forged.bytes)
    await refused
    // the admin's own post still reaches the reader; the forged one was stored nowhere
    const arrival = nextEvent(reader, 'message:added', m => m.text === 'the real news')
    await admin.send('news', 'the real news')
    await arrival
    expect(await internals(admin).log.has(forged.idHex)).toBe(false)
    expect(await internals(reader).log.has(forged.idHex)).toBe(false)
  })

  it('what a suspended member signed is refused from a current member\'s history, and the rest of it is taken', async () => {
    const [admin, alice, mallory] = await fx.office(3) as [ParleyNode, ParleyNode, ParleyNode]
    const aliceDir = alice.dataDir
    const forged = await handMade(mallory, 'general', 'new IBAN from now on')
    await alice.stop()
    await admin.suspendMember(mallory.peerId, 'fraud inquiry')
    await mallory.stop()
    // the admin's node holds it (taken in before the suspension reached it) and serves it to alice
    await internals(admin).log.append(forged)
    const after = await admin.send('general', 'written while alice was away')
    const refusals: string[] = []
    const back = await fx.node({ dataDir: aliceDir, peers: [admin.info().addresses[0]!] }, (n) => {
      n.addEventListener('entry:rejected', (e) => { refusals.push(e.detail.reason) })
    })
    await waitFor(async () => internals(back).log.has(after.id), 10_000, 'the admin\'s entry arrives')
    expect(back.members().find(m => m.peerId === mallory.peerId)?.suspended).toMatchObject({ reason: 'fraud inquiry' })
    expect(await internals(back).log.has(forged.idHex)).toBe(false)
    expect(refusals).toContain('RemovedAuthorError')
  })
})
