// The system's SQLite (Debian: libsqlite3-dev), for AssayStore's own connection.
#include <sqlite3.h>
