/**
 * The customer service's RPC operations, as the gateway exposes them over HTTP at
 * `/{tenant}/v1<path>` and forwards them to `rpc.customer.<operation>`.
 *
 * Payload convention (what the gateway sends as the NATS request body):
 * - GET:          `{ ...pathParams, ...query }`  (query values stay strings; the service converts)
 * - POST / PATCH: `{ ...pathParams, ...body }`
 * `payload` is the class the service validates (whitelist + forbidNonWhitelisted, 422 on failure);
 * `body` / `query` are the HTTP-facing parts for OpenAPI. Path parameters are named `:id` and end up
 * as `id` in the payload. The reply is the operation's view (see views.ts); lists reply
 * `{ data, page: { number, size, total } }`. `status` is the HTTP status of a success.
 */
import { httpOperations, type HttpRpcOperation } from '../lib/rpc-registry';
import {
  AddVulnerabilityRequest,
  ChangeHolderBody,
  ChangeHolderRequest,
  CreateArcoRequest,
  CreateContractRequest,
  CreatePersonRequest,
  CreateTomaRequest,
  CustomerIdParam,
  ListArcoQuery,
  ListContractsQuery,
  ListPersonsQuery,
  ListTomasQuery,
  ReactivateContractRequest,
  SearchPersonsQuery,
  SuspendContractBody,
  SuspendContractRequest,
  TerminateContractBody,
  TerminateContractRequest,
  UpdateArcoBody,
  UpdateArcoRequest,
  UpdateContractBody,
  UpdateContractRequest,
  UpdatePersonBody,
  UpdatePersonRequest,
  UpdateTomaBody,
  UpdateTomaRequest,
  VulnerabilityInput,
} from './requests';

export type CustomerHttpMethod = 'GET' | 'POST' | 'PATCH';

export type CustomerRpcOperation = HttpRpcOperation;

const op = httpOperations('customer');

export const CustomerRpc = {
  // persons
  createPerson: op({ operation: 'persons.create', permission: 'customer.persons.create', method: 'POST', path: '/persons', status: 201, tag: 'persons', summary: 'Register a person (física or moral)', payload: CreatePersonRequest, body: CreatePersonRequest }),
  listPersons: op({ operation: 'persons.list', permission: 'customer.persons.read', method: 'GET', path: '/persons', status: 200, tag: 'persons', summary: 'List persons', payload: ListPersonsQuery, query: ListPersonsQuery }),
  // Declared before getPerson so `/persons/search` is never taken for an id by a router matching in order.
  searchPersons: op({ operation: 'persons.search', permission: 'customer.persons.read', method: 'GET', path: '/persons/search', status: 200, tag: 'persons', summary: 'Search by name, RFC, CURP or phone (accents ignored, trigram similarity)', payload: SearchPersonsQuery, query: SearchPersonsQuery }),
  getPerson: op({ operation: 'persons.get', permission: 'customer.persons.read', method: 'GET', path: '/persons/:id', status: 200, tag: 'persons', summary: 'Get a person', payload: CustomerIdParam }),
  updatePerson: op({ operation: 'persons.update', permission: 'customer.persons.update', method: 'PATCH', path: '/persons/:id', status: 200, tag: 'persons', summary: 'Update a person', payload: UpdatePersonRequest, body: UpdatePersonBody }),
  addVulnerability: op({ operation: 'persons.vulnerabilities.add', permission: 'customer.persons.update', method: 'POST', path: '/persons/:id/vulnerabilities', status: 201, tag: 'persons', summary: 'Record a vulnerability flag with evidence and validity', payload: AddVulnerabilityRequest, body: VulnerabilityInput }),
  // tomas
  createToma: op({ operation: 'tomas.create', permission: 'customer.tomas.create', method: 'POST', path: '/tomas', status: 201, tag: 'tomas', summary: 'Register a toma and its address', payload: CreateTomaRequest, body: CreateTomaRequest }),
  listTomas: op({ operation: 'tomas.list', permission: 'customer.tomas.read', method: 'GET', path: '/tomas', status: 200, tag: 'tomas', summary: 'List tomas with filters', payload: ListTomasQuery, query: ListTomasQuery }),
  getToma: op({ operation: 'tomas.get', permission: 'customer.tomas.read', method: 'GET', path: '/tomas/:id', status: 200, tag: 'tomas', summary: 'Get a toma', payload: CustomerIdParam }),
  updateToma: op({ operation: 'tomas.update', permission: 'customer.tomas.update', method: 'PATCH', path: '/tomas/:id', status: 200, tag: 'tomas', summary: 'Update a toma', payload: UpdateTomaRequest, body: UpdateTomaBody }),
  // contracts
  createContract: op({ operation: 'contracts.create', permission: 'customer.contracts.create', method: 'POST', path: '/contracts', status: 201, tag: 'contracts', summary: 'Alta: contract a toma for a holder', payload: CreateContractRequest, body: CreateContractRequest }),
  listContracts: op({ operation: 'contracts.list', permission: 'customer.contracts.read', method: 'GET', path: '/contracts', status: 200, tag: 'contracts', summary: 'List contracts', payload: ListContractsQuery, query: ListContractsQuery }),
  getContract: op({ operation: 'contracts.get', permission: 'customer.contracts.read', method: 'GET', path: '/contracts/:id', status: 200, tag: 'contracts', summary: 'Get a contract', payload: CustomerIdParam }),
  updateContract: op({ operation: 'contracts.update', permission: 'customer.contracts.update', method: 'PATCH', path: '/contracts/:id', status: 200, tag: 'contracts', summary: 'Update contract terms', payload: UpdateContractRequest, body: UpdateContractBody }),
  terminateContract: op({ operation: 'contracts.terminate', permission: 'customer.contracts.terminate', method: 'POST', path: '/contracts/:id/terminate', status: 200, tag: 'contracts', summary: 'Baja: terminate (metering takes a final reading)', payload: TerminateContractRequest, body: TerminateContractBody }),
  changeHolder: op({ operation: 'contracts.change-holder', permission: 'customer.contracts.change-holder', method: 'POST', path: '/contracts/:id/change-holder', status: 201, tag: 'contracts', summary: 'Cambio de titular or subrogation, optionally transferring debt', payload: ChangeHolderRequest, body: ChangeHolderBody }),
  suspendContract: op({ operation: 'contracts.suspend', permission: 'customer.contracts.suspend', method: 'POST', path: '/contracts/:id/suspend', status: 200, tag: 'contracts', summary: 'Suspend a contract at the holder’s request', payload: SuspendContractRequest, body: SuspendContractBody }),
  reactivateContract: op({ operation: 'contracts.reactivate', permission: 'customer.contracts.suspend', method: 'POST', path: '/contracts/:id/reactivate', status: 200, tag: 'contracts', summary: 'Lift a suspension', payload: ReactivateContractRequest }),
  // ARCO (LFPDPPP)
  createArcoRequest: op({ operation: 'arco.create', permission: 'customer.arco.create', method: 'POST', path: '/arco-requests', status: 201, tag: 'arco', summary: 'Record an ARCO request with its legal deadline', payload: CreateArcoRequest, body: CreateArcoRequest }),
  listArcoRequests: op({ operation: 'arco.list', permission: 'customer.arco.read', method: 'GET', path: '/arco-requests', status: 200, tag: 'arco', summary: 'List ARCO requests', payload: ListArcoQuery, query: ListArcoQuery }),
  getArcoRequest: op({ operation: 'arco.get', permission: 'customer.arco.read', method: 'GET', path: '/arco-requests/:id', status: 200, tag: 'arco', summary: 'Get an ARCO request (with the data export for acceso)', payload: CustomerIdParam }),
  updateArcoRequest: op({ operation: 'arco.update', permission: 'customer.arco.update', method: 'PATCH', path: '/arco-requests/:id', status: 200, tag: 'arco', summary: 'Move an ARCO request through its states', payload: UpdateArcoRequest, body: UpdateArcoBody }),
} as const satisfies Record<string, CustomerRpcOperation>;

export type CustomerRpcName = keyof typeof CustomerRpc;

export const customerRpcOperations = (): CustomerRpcOperation[] => Object.values(CustomerRpc);

/** Every permission the customer service's operations require (for the gateway's role catalogue). */
export const CUSTOMER_PERMISSIONS: readonly string[] = [...new Set(Object.values(CustomerRpc).map((o) => o.permission))].sort();
