// The alert wire shapes (spec §1.9, §2.4, §7.1; wire-format.md §2): v1 and v2 of the sensor, and the
// management console's v1 and v2 for console-side scripts pointed at one sensor. Field order follows
// the docs' tables; absent values are null (console: device ids are 0, as in its samples).
import { hostname } from 'node:os';
import type { StoredAlert } from '../../store/alert-store.js';

/** This box as the console would name it: one sensor, in one zone of one site. */
export const CONSOLE_IDS = { sensorId: 1, zoneId: 1, siteId: 1, zoneName: 'Default Zone', siteName: 'Default Site' } as const;

export function sensorName(): string {
  return hostname();
}

export function alertV1(a: StoredAlert) {
  return {
    id: a.id, time: a.time, title: a.title, message: a.message, severity: a.severity, engine: a.engine,
    sourceDevice: a.srcDevice, destinationDevice: a.dstDevice, additionalInformation: a.info,
  };
}

export function alertV2(a: StoredAlert) {
  return { ...alertV1(a), sourceDeviceAddress: a.srcAddr, destinationDeviceAddress: a.dstAddr, remediationSteps: a.remediation };
}

export function consoleAlertV1(a: StoredAlert) {
  return {
    id: a.id, sensorId: CONSOLE_IDS.sensorId, zoneId: CONSOLE_IDS.zoneId, siteId: CONSOLE_IDS.siteId, time: a.time, title: a.title,
    message: a.message, severity: a.severity, engine: a.engine, sourceDevice: a.srcDevice ?? 0, destinationDevice: a.dstDevice ?? 0,
    remediationSteps: a.remediation, additionalInformation: a.info, handled: a.status !== 'new',
  };
}

export function consoleAlertV2(a: StoredAlert, sensor: string) {
  return {
    ...consoleAlertV1(a), sourceDeviceAddress: a.srcAddr, destinationDeviceAddress: a.dstAddr,
    sensorName: sensor, zoneName: CONSOLE_IDS.zoneName, siteName: CONSOLE_IDS.siteName,
  };
}
