import { open } from 'node:fs/promises'

/**
 * Changes the byte at each offset of a file by flipping all its bits, so the file always differs
 * afterwards (writing a fixed byte leaves it unchanged one time in 256 when the byte was already that).
 */
export async function flipBytes (path: string, offsets: number[]): Promise<void> {
  const handle = await open(path, 'r+')
  try {
    const byte = Buffer.alloc(1)
    for (const at of offsets) {
      const { bytesRead } = await handle.read(byte, 0, 1, at)
      if (bytesRead !== 1) throw new Error(`${path} has no byte at ${at}`)
      byte[0] = byte[0]! ^ 0xff
      await handle.write(byte, 0, 1, at)
    }
  } finally {
    await handle.close()
  }
}
