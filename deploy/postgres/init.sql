-- One database per service (the projection stores); run once by the postgres image.
CREATE DATABASE orders;
CREATE DATABASE fulfilment;
CREATE DATABASE aftersales;
CREATE DATABASE hr;
CREATE DATABASE identity;
