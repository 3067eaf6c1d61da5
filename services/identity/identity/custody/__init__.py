"""Key custody: member key pairs, unwrap for the member, rewrap from service escrow."""
