export * from './pac.types';
export * from './pac.errors';
export { FailoverPac } from './failover-pac';
export { FinkokPac, type FinkokPacConfig } from './finkok/finkok-pac';
export { PacSimulator, type PacSimulatorOptions, type SimulatorMode, SIM_CODES } from './simulator/pac-simulator';
