export function AdminActivity() {
  return <h1>Admin activity</h1>;
}
