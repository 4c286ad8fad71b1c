import rules

from gridgov.org import roles as R
from gridgov.org.rules import holds

rules.add_perm("audit.view_accesslog", holds(R.READ_ACCESS_LOG))
