/**
 * A reader of the pcap files tcpdump writes (Ethernet, IPv4, TCP and UDP): just enough to list what
 * crossed a test's LAN and look into each packet's payload.
 */
import { readFile } from 'node:fs/promises'

export interface Packet {
  proto: 'tcp' | 'udp' | 'other'
  src: string
  dst: string
  sport: number
  dport: number
  payload: Buffer
}

/** The packets of a pcap file (microsecond or nanosecond, either byte order; Ethernet link type). */
export async function readPcap (file: string): Promise<Packet[]> {
  const buf = await readFile(file)
  if (buf.length < 24) throw new Error(`${file} is no pcap file (${buf.length} bytes)`)
  const magic = buf.readUInt32LE(0)
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d
  if (!le && buf.readUInt32BE(0) !== 0xa1b2c3d4 && buf.readUInt32BE(0) !== 0xa1b23c4d) throw new Error(`${file} is no pcap file`)
  const u32 = (at: number): number => le ? buf.readUInt32LE(at) : buf.readUInt32BE(at)
  if (u32(20) !== 1) throw new Error(`${file}: link type ${u32(20)} is not Ethernet`)
  const packets: Packet[] = []
  for (let at = 24; at + 16 <= buf.length;) {
    const length = u32(at + 8)
    const frame = buf.subarray(at + 16, at + 16 + length)
    at += 16 + length
    packets.push(parseFrame(frame))
  }
  return packets
}

function parseFrame (frame: Buffer): Packet {
  const other: Packet = { proto: 'other', src: '', dst: '', sport: 0, dport: 0, payload: frame }
  if (frame.length < 34 || frame.readUInt16BE(12) !== 0x0800) return other
  const ip = frame.subarray(14)
  const headerLength = (ip[0]! & 0x0f) * 4
  const total = ip.readUInt16BE(2)
  const protocol = ip[9]
  const src = [...ip.subarray(12, 16)].join('.')
  const dst = [...ip.subarray(16, 20)].join('.')
  const l4 = ip.subarray(headerLength, total)
  if (protocol === 17 && l4.length >= 8) {
    return { proto: 'udp', src, dst, sport: l4.readUInt16BE(0), dport: l4.readUInt16BE(2), payload: l4.subarray(8) }
  }
  if (protocol === 6 && l4.length >= 20) {
    const offset = (l4[12]! >> 4) * 4
    return { proto: 'tcp', src, dst, sport: l4.readUInt16BE(0), dport: l4.readUInt16BE(2), payload: l4.subarray(offset) }
  }
  return { ...other, src, dst }
}
