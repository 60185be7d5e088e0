DROP TABLE prevention_measures;
DROP TABLE notice_versions;
DROP TABLE notices;
