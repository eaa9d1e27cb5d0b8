import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode } from '../../src/node.js'
import type { ParleyEvents } from '../../src/events.js'
import type { ParleyInit, ParleyNode } from '../../src/node.js'

/** Temporary directories and nodes made by a test, all removed by `cleanup()`. */
export class Fixture {
  private readonly dirs: string[] = []
  private nodes: ParleyNode[] = []

  async tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-test-'))
    this.dirs.push(dir)
    return dir
  }

  /** A started node on 127.0.0.1 with mDNS off (tests in the root namespace must never multicast). */
  async node (init: Partial<ParleyInit> = {}, beforeStart?: (node: ParleyNode) => void): Promise<ParleyNode> {
    const node = await createNode({
      dataDir: init.dataDir ?? await this.tempDir(),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      ...init
    })
    this.nodes.push(node)
    beforeStart?.(node)
    await node.start()
    return node
  }

  /**
   * An office of `size` nodes: the first founds the org, the others join it with invites.
   * Returns once every node sees every member in #general.
   */
  async office (size: number, orgName = 'Acme', init: (i: number) => Partial<ParleyInit> = () => ({})): Promise<ParleyNode[]> {
    const admin = await this.node({ name: 'admin', ...init(0) })
    await admin.createOrg(orgName)
    const nodes = [admin]
    for (let i = 1; i < size; i++) {
      // no mDNS in the root namespace: each node names the earlier ones as static peers
      const node = await this.node({ name: `user${i}`, peers: nodes.map(n => n.info().addresses[0]!), ...init(i) })
      const { token } = await admin.invite()
      await node.join(token, `user${i}`)
      nodes.push(node)
    }
    await waitFor(() => nodes.every(n => n.members('general').length === size && n.teamPeers('general').length === size - 1), 15_000, 'everyone in #general')
    return nodes
  }

  async cleanup (): Promise<void> {
    await Promise.all(this.nodes.map(async n => n.stop()))
    this.nodes = []
    await Promise.all(this.dirs.map(async d => rm(d, { recursive: true, force: true })))
  }
}

/** Resolve with the first event of `type` that matches, or reject after `timeoutMs`. */
export async function nextEvent<K extends keyof ParleyEvents> (node: ParleyNode, type: K, match: (detail: ParleyEvents[K]['detail']) => boolean = () => true, timeoutMs = 10_000): Promise<ParleyEvents[K]['detail']> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      node.removeEventListener(type, listener)
      reject(new Error(`no ${type} event within ${timeoutMs} ms`))
    }, timeoutMs)
    const listener = (evt: ParleyEvents[K]): void => {
      if (!match(evt.detail)) return
      clearTimeout(timer)
      node.removeEventListener(type, listener)
      resolve(evt.detail)
    }
    node.addEventListener(type, listener)
  })
}

/** Poll `check` every 50 ms until it returns true (a throw counts as not yet), failing after `timeoutMs`. */
export async function waitFor (check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      if (await check()) return
    } catch (err) {
      lastError = err
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError !== undefined ? ` (last error: ${(lastError as Error).message})` : ''}`)
}
