// One lease node per leased background job: the unique key makes two instances taking a new job's lease at once
// meet on one node (MERGE), so at most one of them holds it.
CREATE CONSTRAINT job_lease_job IF NOT EXISTS FOR (l:JobLease) REQUIRE l.job IS UNIQUE;
