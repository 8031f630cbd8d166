export {
  DremioFailoverMonitor,
  type DremioFailoverMonitorProps,
  type MonitoredCluster,
} from './dremio-failover-monitor.ts';
export { type ImportedNetwork, importNetwork } from './network.ts';
export { type ConfigProps, propsFromConfig } from './props-from-config.ts';
