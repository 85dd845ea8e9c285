import { ADMIN_ACTIVITY } from '../activity-view';
import { ActivityExplorer } from '../components/ActivityExplorer';
import { adminColumns } from '../components/columns';

/**
 * Admin activity: the admin source (seed 000's admin activity dashboard): who changed what, on what, when and
 * from where, including this service's own audit events (streams, directory, reports, console sign-ins).
 */
export function AdminActivity() {
  return (
    <ActivityExplorer
      view={ADMIN_ACTIVITY}
      columns={adminColumns}
      intro="Who changed what: configuration changes made through the console or the API, and sign-ins to the console."
    />
  );
}
