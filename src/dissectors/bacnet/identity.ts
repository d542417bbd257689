// BACnet identity facts (ASHRAE 135 clause 12.11, the Device object): what an I-Am or a device
// object's properties state about a device, and which device they speak for when routed or forwarded.
import type { Identity } from '../../decode/pdu.js';
import { OBJECT_DEVICE, PROP, VENDORS } from './codes.js';
import type { ObjectRef } from './fields.js';
import { about, type Route } from './route.js';
import type { Value } from './tags.js';

/** Identity facts BACnet adds to the common ones: the device instance is a device's BACnet address. */
export interface BacnetIdentity extends Identity {
  deviceInstance?: number;
  maxApdu?: number;
  segmentation?: string;
  softwareVersion?: string;
}

/** A device object's property that names the device, its vendor, model or software. */
export function identityFrom(o: ObjectRef, prop: number, v: Value | undefined, route: Route): BacnetIdentity | undefined {
  if (o.objectType !== OBJECT_DEVICE || v === undefined || v === null) return undefined;
  const id: BacnetIdentity = { deviceInstance: o.instance };
  switch (prop) {
    case PROP.OBJECT_NAME: if (typeof v !== 'string') return undefined; id.name = v; break;
    case PROP.MODEL_NAME: if (typeof v !== 'string') return undefined; id.model = v; break;
    case PROP.FIRMWARE_REVISION: if (typeof v !== 'string') return undefined; id.firmwareVersion = v; break;
    case PROP.APPLICATION_SOFTWARE_VERSION: if (typeof v !== 'string') return undefined; id.softwareVersion = v; break;
    case PROP.VENDOR_NAME: if (typeof v !== 'string') return undefined; id.vendor = v; break;
    case PROP.VENDOR_IDENTIFIER: {
      if (typeof v !== 'number') return undefined;
      id.vendorId = v;
      const vendor = VENDORS.get(v);
      if (vendor !== undefined) id.vendor = vendor;
      break;
    }
    default: return undefined;
  }
  const a = about(route);
  if (a !== undefined) id.about = a;
  return id;
}
