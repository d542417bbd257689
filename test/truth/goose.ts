// GOOSE facts from tshark (truth `ot.goose`): per publisher (sender MAC + gocbRef) its destination,
// datSet, goID, APPID, confRev, frame count, stNum range and highest sqNum.
import type { FactCheck, TruthMatcher } from '../truth.test.js';

interface GooseTruth {
  publishers?: Array<{
    src_mac: string; dst_mac: string; gocbRef: string; datSet: string; goID: string | null; appid: number; confRev: number;
    frames: number; stNum_min: number; stNum_max: number; sqNum_max: number;
  }>;
}

export const matcher: TruthMatcher = {
  section: 'goose',
  check(truth, pdus) {
    const facts: FactCheck[] = [];
    for (const t of (truth as GooseTruth).publishers ?? []) {
      const mine = pdus.filter((p) => p.proto === 'goose' && p.srcMac === t.src_mac && p.gocbRef === t.gocbRef);
      const who = `goose ${t.src_mac} ${t.gocbRef}`;
      facts.push({ fact: `${who} publishes`, required: true, found: mine.length > 0 });
      facts.push({ fact: `${who} to ${t.dst_mac}, datSet ${t.datSet}, goID ${t.goID}, appid ${t.appid}, confRev ${t.confRev}`, required: true,
        found: mine.some((p) => p.dstMac === t.dst_mac && p.datSet === t.datSet && (t.goID === null || p.goID === t.goID) && p.appid === t.appid && p.confRev === t.confRev) });
      facts.push({ fact: `${who} ${t.frames} frames`, required: true, found: mine.length === t.frames });
      const st = mine.map((p) => p.stNum as number), sq = mine.map((p) => p.sqNum as number);
      facts.push({ fact: `${who} stNum ${t.stNum_min}..${t.stNum_max}`, required: true, found: mine.length > 0 && Math.min(...st) === t.stNum_min && Math.max(...st) === t.stNum_max });
      facts.push({ fact: `${who} sqNum max ${t.sqNum_max}`, required: true, found: mine.length > 0 && Math.max(...sq) === t.sqNum_max });
    }
    return facts;
  },
};
