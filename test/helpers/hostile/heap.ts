/**
 * Go-style heap endpoints that misbehave: an HTML page where a profile belongs, gzip that holds no
 * protobuf, and a heap profile of negative sizes (what a delta profile looks like).
 */
import * as zlib from 'node:zlib';
import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import type { HostileRoutes } from './index';

function negativeHeapProfile(): Buffer {
  const st = new StringTable();
  const type = (t: string, u: string) => new ValueType({ type: st.dedup(t), unit: st.dedup(u) });
  const fn = new PFunction({ id: 1, name: st.dedup('main.grow'), filename: st.dedup('/srv/main.go') });
  const p = new Profile({
    sampleType: [type('inuse_objects', 'count'), type('inuse_space', 'bytes')],
    function: [fn],
    location: [new Location({ id: 1, line: [new Line({ functionId: 1, line: 12 })] })],
    sample: [new Sample({ locationId: [1], value: [-3, -4096] })],
    stringTable: st,
  });
  return zlib.gzipSync(Buffer.from(p.encode()));
}

export const heapRoutes: HostileRoutes = {
  '/heap-html/debug/pprof/heap': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html><body>pprof index</body></html>');
  },
  '/heap-garbage/debug/pprof/heap': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(zlib.gzipSync(Buffer.from('this is not a protobuf, only text pretending to be one')));
  },
  '/heap-negative/debug/pprof/heap': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    res.end(negativeHeapProfile());
  },
};
