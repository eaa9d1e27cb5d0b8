import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createNode } from '../../src/node.js'
import type { ParleyEvents } from '../../src/events.js'
import type { ParleyInit, ParleyNode } from '../../src/node.js'

/** Temporary directories and nodes made by a test, all removed by `cleanup()`. */
export class Fixture {
  private readonly dirs: string[] = []
  private readonly nodes: ParleyNode[] = []

  async tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'parley-test-'))
    this.dirs.push(dir)
    return dir
  }

  /** A started node on 127.0.0.1 with mDNS off (tests in the root namespace must never multicast). */
  async node (init: Partial<ParleyInit> = {}): Promise<ParleyNode> {
    const node = await createNode({
      dataDir: init.dataDir ?? await this.tempDir(),
      listen: ['/ip4/127.0.0.1/tcp/0'],
      mdns: false,
      ...init
    })
    await node.start()
    this.nodes.push(node)
    return node
  }

  async cleanup (): Promise<void> {
    await Promise.all(this.nodes.map(async n => n.stop()))
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

/** Poll `check` every 50 ms until it returns true, failing after `timeoutMs`. */
export async function waitFor (check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}
