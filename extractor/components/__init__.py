"""claimx pipeline components: each module registers one `claimx_<thing>` factory."""
