"""The back office (issue 18): staff sign in and do their day's work in a web application that talks to the services over NATS only."""
