import { USER_ACTIVITY } from '../activity-view';
import { ActivityExplorer } from '../components/ActivityExplorer';
import { userColumns } from '../components/columns';

/** User activity: the events of the cis, verify and risk sources (seed 000's user activity dashboard). */
export function UserActivity() {
  return (
    <ActivityExplorer
      view={USER_ACTIVITY}
      columns={userColumns}
      intro="What users did: sign-ups, logins, journeys, identity verification and fraud prevention events."
    />
  );
}
