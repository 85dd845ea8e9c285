export function UserActivity() {
  return <h1>User activity</h1>;
}
