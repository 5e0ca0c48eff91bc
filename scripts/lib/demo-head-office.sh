# Head office for the demo, sourced by scripts/run-demo.sh and
# scripts/console-screenshots.sh (not run by itself).
#
#   demo_head_office_up DIR   a PostgreSQL cluster under DIR/pg (created on first use,
#                             kept between runs), the schema, the demo catalog (first
#                             run), the demo sign-ins, and `head-office serve` on
#                             $DEMO_LISTEN; returns once /v1/health answers.
#   demo_head_office_down     stops the server and the cluster (the data stays).
#
# Needs $HEAD_OFFICE (the binary). Sets DATABASE_URL and DEMO_URL.

DEMO_LISTEN="${DEMO_LISTEN:-127.0.0.1:8080}"
DEMO_URL="http://$DEMO_LISTEN"
DEMO_STORE=S001
DEMO_TERMINAL=T01
# The console's demo sign-ins (the console takes passwords of 10 characters or more).
DEMO_ADMIN=demo-admin
DEMO_ADMIN_PASSWORD=demo-admin-pw
DEMO_MANAGER=demo-manager
DEMO_MANAGER_PASSWORD=demo-manager-pw

demo_pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] || { echo "demo: no PostgreSQL under /usr/lib/postgresql; run: bash scripts/setup.sh" >&2; return 1; }
  echo "$bin"
}

# initdb and postgres refuse to run as root: as root, the cluster belongs to `postgres`.
demo_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

demo_head_office_up() {
  local dir pg_bin pg
  dir=$(realpath -m "$1")
  pg="$dir/pg"
  pg_bin=$(demo_pg_bin)
  mkdir -p "$dir"
  if [ ! -f "$pg/data/PG_VERSION" ]; then
    echo "demo: creating head office's PostgreSQL cluster in $pg"
    mkdir -p "$pg"
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$pg"
      runuser -u postgres -- test -w "$pg" || {
        echo "demo: the postgres user cannot reach $pg; make its parent folders readable (chmod o+x)" >&2
        return 1
      }
    fi
    demo_as_owner "$pg_bin/initdb" --auth=trust --encoding=UTF8 --locale=C -U postgres -D "$pg/data" >"$dir/initdb.log"
  fi
  # Only a unix socket in the cluster's folder: no port to collide with another cluster.
  if ! demo_as_owner "$pg_bin/pg_ctl" -D "$pg/data" status >/dev/null 2>&1; then
    demo_as_owner "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/postgres.log" -w -t 60 \
      -o "-k $pg -c listen_addresses=''" start >/dev/null
  fi
  DEMO_PG_CTL=("$pg_bin/pg_ctl" -D "$pg/data")
  local psql=("$pg_bin/psql" -h "$pg" -U postgres -d postgres -tAq)
  if [ -z "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'head_office'")" ]; then
    "${psql[@]}" -c "CREATE DATABASE head_office"
  fi
  export DATABASE_URL="host=$pg user=postgres dbname=head_office"
  if ! "$HEAD_OFFICE" migrate >"$dir/migrate.log" 2>&1; then
    cat "$dir/migrate.log" >&2
    return 1
  fi
  if [ ! -f "$dir/catalog-imported" ]; then
    "$HEAD_OFFICE" import --store "$DEMO_STORE" assets/demo/catalog.csv >/dev/null
    touch "$dir/catalog-imported"
  fi
  demo_user "$DEMO_ADMIN" "$DEMO_ADMIN_PASSWORD" --role admin
  demo_user "$DEMO_MANAGER" "$DEMO_MANAGER_PASSWORD" --role store_manager --store "$DEMO_STORE"

  "$HEAD_OFFICE" serve --listen "$DEMO_LISTEN" >"$dir/serve.log" 2>&1 &
  DEMO_SERVER=$!
  # Wait (bounded, 30 s) for head office to answer, or for it to exit.
  local tries
  for tries in $(seq 1 300); do
    curl -fsS -o /dev/null "$DEMO_URL/v1/health" 2>/dev/null && return 0
    kill -0 "$DEMO_SERVER" 2>/dev/null || break
    sleep 0.1
  done
  echo "demo: head office did not answer on $DEMO_URL (is the port taken? set DEMO_LISTEN); its log:" >&2
  cat "$dir/serve.log" >&2
  return 1
}

# Adds a console user; one that exists already is kept as it is (the demo runs again).
demo_user() {
  local name=$1 password=$2 out
  shift 2
  if out=$(printf '%s\n' "$password" | "$HEAD_OFFICE" user add --name "$name" "$@" 2>&1); then
    echo "demo: console user $name added"
  elif grep -q "already exists" <<<"$out"; then
    :
  else
    echo "$out" >&2
    return 1
  fi
}

# A terminal token for the demo till (a new one each call; the old one stops working).
demo_enroll() {
  "$HEAD_OFFICE" enroll --store "$DEMO_STORE" --terminal "$DEMO_TERMINAL" 2>/dev/null
}

demo_print_sign_ins() {
  cat <<EOF

  Head office console (总部后台): $DEMO_URL/
    admin (管理员)                        $DEMO_ADMIN / $DEMO_ADMIN_PASSWORD
    store manager of $DEMO_STORE (门店店长)     $DEMO_MANAGER / $DEMO_MANAGER_PASSWORD

EOF
}

demo_head_office_down() {
  if [ -n "${DEMO_SERVER:-}" ]; then
    kill "$DEMO_SERVER" 2>/dev/null || true
    wait "$DEMO_SERVER" 2>/dev/null || true
    DEMO_SERVER=
  fi
  if [ -n "${DEMO_PG_CTL:-}" ]; then
    demo_as_owner "${DEMO_PG_CTL[@]}" -m fast -w stop >/dev/null 2>&1 || true
    DEMO_PG_CTL=
  fi
}
