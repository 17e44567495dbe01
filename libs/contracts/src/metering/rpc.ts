/**
 * The metering service's RPC operations, exposed by the gateway at `/{tenant}/v1<path>` and forwarded to
 * `rpc.metering.<operation>`. Same payload convention as the customer service: GET sends
 * `{ ...pathParams, ...query }`, POST `{ ...pathParams, ...body }`; `:id` becomes `id`.
 */
import { httpOperations, type HttpRpcOperation } from '../lib/rpc-registry';
import {
  ApproveReadingBody,
  ApproveReadingRequest,
  ClosePeriodRequest,
  CreateMeterRequest,
  EditReadingBody,
  EditReadingRequest,
  ImportReadingsRequest,
  InstallMeterBody,
  InstallMeterRequest,
  EstimateFinalReadingBody,
  EstimateFinalReadingRequest,
  ListFinalReadingsQuery,
  ListReviewQueueQuery,
  ListTomaReadingsQuery,
  ListTomaReadingsRequest,
  MeteringIdParam,
  RecordFinalReadingRequest,
  RecordReadingBody,
  RecordReadingRequest,
  RejectReadingBody,
  RejectReadingRequest,
  RemoveMeterBody,
  RemoveMeterRequest,
  ReplaceMeterBody,
  ReplaceMeterRequest,
  TomaConsumptionQuery,
  TomaConsumptionRequest,
  UpdateMeteringSettingsRequest,
  MeteringSettingsQuery,
} from './requests';

export type MeteringHttpOperation = HttpRpcOperation;

const op = httpOperations('metering');

export const MeteringRpc = {
  createMeter: op({ operation: 'meters.create', permission: 'metering.meters.create', method: 'POST', path: '/meters', status: 201, tag: 'meters', summary: 'Register a meter (optionally installing it on a toma)', payload: CreateMeterRequest, body: CreateMeterRequest }),
  getMeter: op({ operation: 'meters.get', permission: 'metering.meters.read', method: 'GET', path: '/meters/:id', status: 200, tag: 'meters', summary: 'Get a meter', payload: MeteringIdParam }),
  installMeter: op({ operation: 'meters.install', permission: 'metering.meters.install', method: 'POST', path: '/meters/:id/install', status: 200, tag: 'meters', summary: 'Install a meter on a toma', payload: InstallMeterRequest, body: InstallMeterBody }),
  removeMeter: op({ operation: 'meters.remove', permission: 'metering.meters.install', method: 'POST', path: '/meters/:id/remove', status: 200, tag: 'meters', summary: 'Remove a meter from its toma with its final reading', payload: RemoveMeterRequest, body: RemoveMeterBody }),
  replaceMeter: op({ operation: 'meters.replace', permission: 'metering.meters.install', method: 'POST', path: '/meters/:id/replace', status: 201, tag: 'meters', summary: 'Exchange a meter: final reading of the old, initial reading of the new', payload: ReplaceMeterRequest, body: ReplaceMeterBody }),
  recordReading: op({ operation: 'readings.record', permission: 'metering.readings.create', method: 'POST', path: '/meters/:id/readings', status: 201, tag: 'readings', summary: 'Record a manual reading (value, photo, GPS, reader, incidences); VEE runs at once', payload: RecordReadingRequest, body: RecordReadingBody }),
  importReadings: op({ operation: 'readings.import', permission: 'metering.readings.import', method: 'POST', path: '/readings/import', status: 201, tag: 'readings', summary: 'Import a handheld-terminal CSV; replies a report of rejected lines', payload: ImportReadingsRequest, body: ImportReadingsRequest }),
  listTomaReadings: op({ operation: 'tomas.readings', permission: 'metering.readings.read', method: 'GET', path: '/tomas/:id/readings', status: 200, tag: 'readings', summary: 'Readings of a toma (all its meters), newest first', payload: ListTomaReadingsRequest, query: ListTomaReadingsQuery }),
  tomaBillable: op({ operation: 'tomas.billable', permission: 'metering.readings.read', method: 'GET', path: '/tomas/:id/billable-consumption', status: 200, tag: 'consumption', summary: 'Billable consumption of a toma per period (estimated or real, final), newest first', payload: ListTomaReadingsRequest, query: ListTomaReadingsQuery }),
  tomaAnomalies: op({ operation: 'tomas.anomalies', permission: 'metering.readings.read', method: 'GET', path: '/tomas/:id/anomalies', status: 200, tag: 'consumption', summary: 'Anomalies detected on a toma with their evidence, newest first', payload: ListTomaReadingsRequest, query: ListTomaReadingsQuery }),
  tomaConsumption: op({ operation: 'tomas.consumption', permission: 'metering.readings.read', method: 'GET', path: '/tomas/:id/consumption', status: 200, tag: 'consumption', summary: 'Consumption series of a toma bucketed by day or month', payload: TomaConsumptionRequest, query: TomaConsumptionQuery }),
  listReviewQueue: op({ operation: 'vee.review.list', permission: 'metering.vee.review', method: 'GET', path: '/vee/review', status: 200, tag: 'vee', summary: 'Readings flagged by VEE awaiting review', payload: ListReviewQueueQuery, query: ListReviewQueueQuery }),
  approveReading: op({ operation: 'vee.review.approve', permission: 'metering.vee.review', method: 'POST', path: '/vee/review/:id/approve', status: 200, tag: 'vee', summary: 'Approve a flagged reading as read', payload: ApproveReadingRequest, body: ApproveReadingBody }),
  editReading: op({ operation: 'vee.review.edit', permission: 'metering.vee.edit', method: 'POST', path: '/vee/review/:id/edit', status: 200, tag: 'vee', summary: 'Correct a reading with a reason (audited)', payload: EditReadingRequest, body: EditReadingBody }),
  rejectReading: op({ operation: 'vee.review.reject', permission: 'metering.vee.review', method: 'POST', path: '/vee/review/:id/reject', status: 200, tag: 'vee', summary: 'Reject a reading: it is never billed', payload: RejectReadingRequest, body: RejectReadingBody }),
  listFinalReadings: op({ operation: 'final-readings.list', permission: 'metering.readings.read', method: 'GET', path: '/final-readings', status: 200, tag: 'readings', summary: 'Final readings of terminated contracts (pending ones are the field readers\' work list)', payload: ListFinalReadingsQuery, query: ListFinalReadingsQuery }),
  recordFinalReading: op({ operation: 'final-readings.record', permission: 'metering.readings.create', method: 'POST', path: '/final-readings/:id/reading', status: 201, tag: 'readings', summary: 'Record the final reading of a terminated contract; a usable one emits the final billable consumption', payload: RecordFinalReadingRequest, body: RecordReadingBody }),
  getSettings: op({ operation: 'settings.get', permission: 'metering.readings.read', method: 'GET', path: '/metering/settings', status: 200, tag: 'settings', summary: "The tenant's metering settings (estimation order, time zone)", payload: MeteringSettingsQuery }),
  updateSettings: op({ operation: 'settings.update', permission: 'metering.settings.update', method: 'PATCH', path: '/metering/settings', status: 200, tag: 'settings', summary: 'Change the estimation order or time zone', payload: UpdateMeteringSettingsRequest, body: UpdateMeteringSettingsRequest }),
  estimateFinalReading: op({ operation: 'final-readings.estimate', permission: 'metering.vee.edit', method: 'POST', path: '/final-readings/:id/estimate', status: 200, tag: 'readings', summary: 'No final reading can be taken: estimate the days served and emit the final billable consumption (estimated)', payload: EstimateFinalReadingRequest, body: EstimateFinalReadingBody }),
  closePeriod: op({ operation: 'consumption.close-period', permission: 'metering.consumption.close', method: 'POST', path: '/consumption/close-period', status: 200, tag: 'consumption', summary: 'Compute and emit billable consumption of a period for every active contract', payload: ClosePeriodRequest, body: ClosePeriodRequest }),
} as const satisfies Record<string, MeteringHttpOperation>;

export type MeteringRpcName = keyof typeof MeteringRpc;
export const meteringRpcOperations = (): MeteringHttpOperation[] => Object.values(MeteringRpc);
export const METERING_PERMISSIONS: readonly string[] = [...new Set(Object.values(MeteringRpc).map((o) => o.permission))].sort();
