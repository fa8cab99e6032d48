-- One database per service (the projection stores) and the back office's store; run once by the
-- postgres image (a database made before a service was added: CREATE DATABASE it by hand).
CREATE DATABASE orders;
CREATE DATABASE fulfilment;
CREATE DATABASE aftersales;
CREATE DATABASE hr;
CREATE DATABASE identity;
CREATE DATABASE catalog;
CREATE DATABASE kpi;
CREATE DATABASE backoffice;
